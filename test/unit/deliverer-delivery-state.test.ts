import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SQSRecord } from 'aws-lambda';
import { lastStatusOf } from '../../lib/deliverer/delivery-state';
import { processDeliveries, type DeliveryBatchDeps } from '../../lib/deliverer/process-deliveries';
import { judgeAttempt, type AttemptVerdict } from '../../lib/destinations/retry-policy';
import { createLogger } from '../../lib/log';
import { createMetrics } from '../../lib/metrics';
import {
  createDestinationDeliveryStore,
  type DestinationDeliveryState,
} from '../../lib/store/destination-delivery-store';
import { createDocumentClient } from '../../lib/store/table';
import { sqsRecord } from '../helpers/aws-events';
import { callEndedEvent, jobBody } from '../helpers/delivery-jobs';

const NOW = Date.parse('2025-01-15T12:00:00Z');

function record(destination: string, receiveCount = 1): SQSRecord {
  const base = sqsRecord(jobBody(destination, callEndedEvent('c-1')), { receiveCount });
  return { ...base, attributes: { ...base.attributes, SentTimestamp: String(NOW - 60_000) } };
}

/** The deliverer's batch with fakes; every state it files is kept (or refused, with `failStates`). */
function harness(verdicts: Record<string, AttemptVerdict>, options: { failStates?: boolean } = {}) {
  const states: DestinationDeliveryState[] = [];
  const metricLines: Record<string, unknown>[] = [];
  const deps: DeliveryBatchDeps = {
    destinations: new Map(Object.keys(verdicts).map((name) => [name, { name, url: `https://${name}.example.com` }])),
    deliver: async (_job, destination) => verdicts[destination.name]!,
    deadLetters: { send: async () => {} },
    maxReceiveCount: 20,
    backoff: { baseSeconds: 60, capSeconds: 6 * 3600, giveUpAfterSeconds: 86_400 },
    changeVisibility: async () => {},
    async recordState(state) {
      if (options.failStates) throw new Error('DynamoDB unavailable');
      states.push(state);
    },
    log: createLogger({ test: 'delivery-state' }, 'silent'),
    metrics: createMetrics({ stage: 'test', write: (line) => metricLines.push(JSON.parse(line)) }),
    now: () => NOW,
    random: () => 0,
  };
  const counted = (name: string) => metricLines.filter((line) => name in line && 'Destination' in line).length;
  return { deps, states, counted };
}

describe("the deliverer files each try's state for operators", () => {
  it('delivered, retrying with the next attempt time, dead-lettered with the last status and error', async () => {
    const { deps, states } = harness({
      ok: { kind: 'delivered', status: 204 },
      down: { kind: 'retry', reason: 'answered HTTP 503', status: 503, body: 'busy' },
      refusing: { kind: 'final', reason: 'answered HTTP 400', status: 400, body: '{}' },
    });
    await processDeliveries([record('ok'), record('down', 3), record('refusing')], deps);
    const byDestination = Object.fromEntries(states.map((state) => [state.destination, state]));
    const event = callEndedEvent('c-1');
    const at = new Date(NOW).toISOString();
    assert.deepEqual(byDestination.ok, {
      event_id: event.id,
      event_type: 'Call Ended',
      destination: 'ok',
      status: 'delivered',
      attempts: 1,
      last_status: 204,
      updated_at: at,
    });
    // 3rd try failed: back in 4 min, half jitter (2 min), as the visibility was set
    assert.deepEqual(byDestination.down, {
      event_id: event.id,
      event_type: 'Call Ended',
      destination: 'down',
      status: 'retrying',
      attempts: 3,
      last_status: 503,
      last_error: 'answered HTTP 503',
      next_attempt_at: new Date(NOW + 120_000).toISOString(),
      updated_at: at,
    });
    assert.equal(byDestination.refusing?.status, 'dead-lettered');
    assert.equal(byDestination.refusing?.last_status, 400);
    assert.equal(byDestination.refusing?.last_error, 'answered HTTP 400');
    assert.equal(byDestination.refusing?.next_attempt_at, undefined);
  });

  it('names a try without an answer: timeout, network, refused', () => {
    assert.equal(lastStatusOf(judgeAttempt({ kind: 'timeout', timeoutMs: 10_000 }, NOW)), 'timeout');
    assert.equal(lastStatusOf(judgeAttempt({ kind: 'network', message: 'ECONNREFUSED' }, NOW)), 'network');
    assert.equal(lastStatusOf({ kind: 'retry', reason: "could not resolve the destination's host: x" }), 'network');
    assert.equal(lastStatusOf({ kind: 'final', reason: 'destination url host 10.0.0.1 is private' }), 'refused');
    assert.equal(lastStatusOf(judgeAttempt({ kind: 'answered', status: 429, body: '' }, NOW)), 429);
  });

  it('a state that cannot be written never fails the delivery: logged and counted', async () => {
    const { deps, counted } = harness({ ok: { kind: 'delivered', status: 200 } }, { failStates: true });
    const response = await processDeliveries([record('ok')], deps);
    assert.deepEqual(response.batchItemFailures, []);
    assert.equal(counted('DeliveryStateNotRecorded'), 1);
  });
});

describe('the delivery state store (one UpdateItem per try)', () => {
  /** The store over a sender that keeps each request, and refuses the condition when told. */
  function storeWith(answer: () => Promise<Record<string, unknown>>) {
    const sent: { operation: string; input: Record<string, unknown> }[] = [];
    const store = createDestinationDeliveryStore({
      client: createDocumentClient({
        async call(operation, input) {
          sent.push({ operation, input: input as Record<string, unknown> });
          return answer();
        },
      }),
      tableName: 't',
      retentionDays: 90,
    });
    return { store, sent };
  }
  const state = (status: DestinationDeliveryState['status']): DestinationDeliveryState => ({
    event_id: 'evt_1',
    event_type: 'Call Ended',
    destination: 'crm',
    status,
    attempts: 2,
    last_status: status === 'delivered' ? 200 : 503,
    ...(status !== 'delivered' && { last_error: 'x'.repeat(500) }),
    updated_at: '2025-01-15T12:00:00.000Z',
  });

  it('keys the item by event and destination; only a `delivered` write may land on `delivered`', async () => {
    const { store, sent } = storeWith(async () => ({}));
    await store.record(state('retrying'));
    await store.record(state('delivered'));
    const [retrying, delivered] = sent.map((s) => s.input);
    assert.deepEqual(retrying!.Key, { pk: { S: 'DELIVERY#evt_1' }, sk: { S: 'DESTINATION#crm' } });
    assert.equal(retrying!.ConditionExpression, 'attribute_not_exists(#status) OR #status <> :delivered');
    assert.equal(delivered!.ConditionExpression, undefined);
    // what a delivered state no longer has is removed; the TTL counts from the try
    assert.match(String(delivered!.UpdateExpression), /REMOVE/);
    const values = JSON.stringify(retrying!.ExpressionAttributeValues);
    assert.ok(values.includes(`"${'x'.repeat(200)}"`) && !values.includes('x'.repeat(201)), 'the error kept short');
    assert.ok(values.includes(String(Date.parse('2025-01-15T12:00:00Z') / 1000 + 90 * 86_400)), 'expires_at');
  });

  it('ignores the refused condition (the job was delivered already) and throws anything else', async () => {
    const refused = Object.assign(new Error('conditional'), { name: 'ConditionalCheckFailedException' });
    await storeWith(() => Promise.reject(refused)).store.record(state('retrying'));
    await assert.rejects(
      storeWith(() => Promise.reject(new Error('throttled'))).store.record(state('retrying')),
      /throttled/,
    );
  });
});
