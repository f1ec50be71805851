import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SQSRecord } from 'aws-lambda';
import { processDeliveries, type DeliveryBatchDeps } from '../../lib/deliverer/process-deliveries';
import type { DeliveryFailure } from '../../lib/destinations/delivery-dead-letters';
import type { AttemptVerdict } from '../../lib/destinations/retry-policy';
import { DependencyError, PermanentError } from '../../lib/errors';
import { createLogger } from '../../lib/log';
import { createMetrics } from '../../lib/metrics';
import { sqsRecord } from '../helpers/aws-events';
import { jobBody } from '../helpers/delivery-jobs';

const NOW = Date.parse('2025-01-15T12:00:00Z');
const MINUTE = 60_000;

/** A record of a job queued `ageMs` ago, on its `receiveCount`th receive. */
function record(destination: string, receiveCount: number, ageMs = MINUTE): SQSRecord {
  const base = sqsRecord(jobBody(destination), { receiveCount });
  return { ...base, attributes: { ...base.attributes, SentTimestamp: String(NOW - ageMs) } };
}

/** The deliverer's batch with fakes: `verdicts` says what each destination's try gives. */
function harness(verdicts: Record<string, AttemptVerdict | Error>, options: { failDeadLetters?: boolean } = {}) {
  const deadLettered: { body: string; failure: DeliveryFailure }[] = [];
  const delays: { receiptHandle: string; seconds: number }[] = [];
  const metricLines: Record<string, unknown>[] = [];
  const deps: DeliveryBatchDeps = {
    destinations: new Map(
      Object.keys(verdicts).map((name) => [name, { name, url: `https://${name}.example.com/hooks` }]),
    ),
    async deliver(_job, destination) {
      const verdict = verdicts[destination.name]!;
      if (verdict instanceof Error) throw verdict;
      return verdict;
    },
    deadLetters: {
      async send(body, failure) {
        if (options.failDeadLetters) throw new DependencyError('could not dead-letter the delivery job');
        deadLettered.push({ body, failure });
      },
    },
    maxReceiveCount: 20,
    backoff: { baseSeconds: 60, capSeconds: 6 * 3600, giveUpAfterSeconds: 86_400 },
    async changeVisibility(receiptHandle, seconds) {
      delays.push({ receiptHandle, seconds });
    },
    log: createLogger({ test: 'process-deliveries' }, 'silent'),
    metrics: createMetrics({ stage: 'test', write: (line) => metricLines.push(JSON.parse(line)) }),
    now: () => NOW,
    random: () => 0,
  };
  const counted = (name: string) =>
    metricLines.filter((line) => name in line).map((line) => (line as { Destination?: string }).Destination);
  return { deps, deadLettered, delays, counted };
}

describe('processDeliveries (the deliverer over an SQS batch)', () => {
  it('deletes the delivered, backs the retried off, dead-letters the final with status and body', async () => {
    const { deps, deadLettered, delays, counted } = harness({
      ok: { kind: 'delivered', status: 200 },
      down: { kind: 'retry', reason: 'answered HTTP 503', status: 503, body: 'busy' },
      refusing: { kind: 'final', reason: 'answered HTTP 400', status: 400, body: '{"error":"bad"}' },
    });
    const records = [record('ok', 1), record('down', 3), record('refusing', 1)];
    const response = await processDeliveries(records, deps);
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: records[1]!.messageId }]);
    assert.deepEqual(
      delays,
      [{ receiptHandle: records[1]!.receiptHandle, seconds: 120 }],
      '3rd try: 4 min, half jitter',
    );
    assert.equal(deadLettered.length, 1);
    assert.equal(deadLettered[0]!.body, records[2]!.body, 'the job as it was queued');
    assert.deepEqual(deadLettered[0]!.failure, {
      destination: 'refusing',
      attempts: 1,
      sourceMessageId: records[2]!.messageId,
      lastStatus: 400,
      responseBody: '{"error":"bad"}',
      reason: 'answered HTTP 400',
      category: 'invalid',
    });
    assert.deepEqual(counted('DeliverySucceeded'), ['ok']);
    assert.deepEqual(counted('DeliveryFailed').sort(), ['down', 'refusing']);
    assert.deepEqual(counted('DeliveryDeadLettered'), ['refusing']);
  });

  it('dead-letters as exhausted a day after the job was queued, or on the queue’s last receive', async () => {
    const verdict: AttemptVerdict = { kind: 'retry', reason: 'no answer within 10 s' };
    const { deps, deadLettered, delays } = harness({ slow: verdict });
    const records = [record('slow', 14, 86_400_000 + MINUTE), record('slow', 20, 10 * MINUTE)];
    const response = await processDeliveries(records, deps);
    assert.deepEqual(response.batchItemFailures, []);
    assert.deepEqual(delays, []);
    assert.deepEqual(
      deadLettered.map((d) => [d.failure.category, d.failure.reason]),
      [
        ['exhausted', 'failed on all 14 tries over 24.0 h; last: no answer within 10 s'],
        ['exhausted', 'failed on all 20 tries over 600 s; last: no answer within 10 s'],
      ],
    );
  });

  it('a thrown error is retried (a secret not there yet), a PermanentError is final', async () => {
    const { deps, deadLettered, delays } = harness({
      nosecret: new DependencyError('could not read the signing secret /x/destinations/nosecret: no such parameter'),
      refused: new PermanentError('destination url host a.example.com is private (10.0.0.1): refused'),
    });
    const records = [record('nosecret', 1), record('refused', 1)];
    const response = await processDeliveries(records, deps);
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: records[0]!.messageId }]);
    assert.equal(delays.length, 1);
    assert.deepEqual(
      deadLettered.map((d) => [d.failure.destination, d.failure.category, d.failure.lastStatus]),
      [['refused', 'invalid', undefined]],
    );
  });

  it('dead-letters what is no job, and a job for a destination no longer configured', async () => {
    const { deps, deadLettered, counted } = harness({ crm: { kind: 'delivered', status: 200 } });
    const records = [sqsRecord('not json'), record('gone', 1)];
    const response = await processDeliveries(records, deps);
    assert.deepEqual(response.batchItemFailures, []);
    assert.deepEqual(
      deadLettered.map((d) => d.failure.reason),
      ['delivery job is not JSON', 'destination gone is not configured (the destinations param)'],
    );
    assert.deepEqual(counted('DeliveryDeadLettered'), ['unknown', 'unknown'], 'no metric per unknown name');
  });

  it('leaves a job on the queue when the DLQ refuses it', async () => {
    const { deps } = harness(
      { refusing: { kind: 'final', reason: 'answered HTTP 404', status: 404 } },
      { failDeadLetters: true },
    );
    const records = [record('refusing', 1)];
    assert.deepEqual((await processDeliveries(records, deps)).batchItemFailures, [
      { itemIdentifier: records[0]!.messageId },
    ]);
  });
});
