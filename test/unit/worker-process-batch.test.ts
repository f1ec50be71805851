import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SQSRecord } from 'aws-lambda';
import { sqsRecord as anySqsRecord } from '../helpers/aws-events';
import { ClaimBusyError } from '../../lib/claims/lease-claim';
import { DependencyError, PermanentError } from '../../lib/errors';
import type { ArchiveEntry, ArchiveStatus } from '../../lib/archive/archive-entry';
import type { ArchiveStore } from '../../lib/archive/archive-store';
import { createEnvelope, type WebhookEnvelope } from '../../lib/envelope/envelope';
import type { DomainEvent } from '../../lib/events/domain-event';
import { ALL_OUT } from '../../lib/events/publish-events';
import { createLogger } from '../../lib/log';
import type { Logger } from '../../lib/logger';
import type { DeadLetterQueue, FailureReason } from '../../lib/queue/dead-letter-queue';
import type { FailureRecord, FailureStore } from '../../lib/store/failure-store';
import { processBatch, type BatchDeps } from '../../lib/worker/process-batch';

const MAX_RECEIVE_COUNT = 5;
const log = createLogger({ test: 'process-batch' }, 'error');

/** A queued envelope whose payload says what the fake `apply` should do with it. */
function envelopeBody(outcome: 'ok' | 'permanent' | 'transient'): { body: string; envelope: WebhookEnvelope } {
  const envelope = createEnvelope({
    kind: 'call.status',
    route: 'POST /call-status',
    content_type: 'json',
    body: JSON.stringify({ outcome }),
    payload: { outcome },
    headers: {},
  });
  return { body: JSON.stringify(envelope), envelope };
}

let nextMessageId = 0;
const sqsRecord = (body: string, receiveCount: number): SQSRecord =>
  anySqsRecord(body, { messageId: `msg-${++nextMessageId}`, receiveCount });

/** Fakes of the worker's ports that record what they were asked; `failDeadLetters` makes the DLQ refuse. */
function fakes(options: { failDeadLetters?: boolean; failFailureStore?: boolean } = {}) {
  const deadLettered: Array<{ body: string; failure: FailureReason }> = [];
  const failures: FailureRecord[] = [];
  const applied: string[] = [];
  const deadLetters: DeadLetterQueue = {
    async send(body, failure) {
      if (options.failDeadLetters) throw new DependencyError('could not dead-letter the message');
      deadLettered.push({ body, failure });
    },
  };
  const failureStore: FailureStore = {
    async record(failure) {
      if (options.failFailureStore) throw new DependencyError('table unavailable');
      failures.push(failure);
    },
    async get(eventId) {
      return failures.find((f) => f.event_id === eventId);
    },
  };
  const deps: BatchDeps = {
    async apply(envelope) {
      applied.push(envelope.event_id);
      const { outcome } = envelope.payload;
      if (outcome === 'permanent') throw new PermanentError('call status: missing call_id');
      if (outcome === 'transient') throw new DependencyError('could not store call status');
      return 'advanced';
    },
    deadLetters,
    failures: failureStore,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    log,
  };
  return { deps, deadLettered, failures, applied };
}

describe('processBatch', () => {
  it('reports nothing for a record that applies', async () => {
    // given
    const { deps, deadLettered, failures, applied } = fakes();
    const { body, envelope } = envelopeBody('ok');
    // when
    const response = await processBatch([sqsRecord(body, 1)], deps);
    // then
    assert.deepEqual(response, { batchItemFailures: [] });
    assert.deepEqual(applied, [envelope.event_id]);
    assert.deepEqual(deadLettered, []);
    assert.deepEqual(failures, []);
  });

  it('dead-letters a PermanentError at once as invalid, with its reason, and does not report it', async () => {
    // given a first delivery that can never succeed
    const { deps, deadLettered, failures } = fakes();
    const { body } = envelopeBody('permanent');
    const record = sqsRecord(body, 1);
    // when
    const response = await processBatch([record], deps);
    // then
    assert.deepEqual(response.batchItemFailures, []);
    assert.deepEqual(deadLettered, [
      {
        body,
        failure: {
          reason: 'call status: missing call_id',
          category: 'invalid',
          attempts: 1,
          sourceMessageId: record.messageId,
        },
      },
    ]);
    assert.deepEqual(failures, []);
  });

  it('reports a transient failure before the last delivery, and records it', async () => {
    for (let attempt = 1; attempt < MAX_RECEIVE_COUNT; attempt++) {
      // given
      const { deps, deadLettered, failures } = fakes();
      const { body, envelope } = envelopeBody('transient');
      const record = sqsRecord(body, attempt);
      // when
      const before = Date.now();
      const response = await processBatch([record], deps);
      // then
      assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: record.messageId }]);
      assert.deepEqual(deadLettered, []);
      assert.equal(failures.length, 1);
      const [failure] = failures;
      assert.deepEqual(
        { ...failure, failed_at: undefined },
        {
          event_id: envelope.event_id,
          last_error: 'could not store call status',
          attempts: attempt,
          failed_at: undefined,
        },
      );
      assert.ok(Date.parse(failure!.failed_at) >= before && Date.parse(failure!.failed_at) <= Date.now());
    }
  });

  it('dead-letters a transient failure on the last delivery as exhausted, with the last error', async () => {
    // given the delivery SQS would otherwise move to the DLQ without a reason
    const { deps, deadLettered, failures } = fakes();
    const { body } = envelopeBody('transient');
    const record = sqsRecord(body, MAX_RECEIVE_COUNT);
    // when
    const response = await processBatch([record], deps);
    // then
    assert.deepEqual(response.batchItemFailures, []);
    assert.equal(deadLettered.length, 1);
    const { failure, body: sent } = deadLettered[0]!;
    assert.equal(sent, body);
    assert.equal(failure.category, 'exhausted');
    assert.equal(failure.attempts, MAX_RECEIVE_COUNT);
    assert.equal(failure.sourceMessageId, record.messageId);
    assert.match(failure.reason, /could not store call status/);
    assert.match(failure.reason, new RegExp(`${MAX_RECEIVE_COUNT}`));
    assert.deepEqual(failures, []);
  });

  it('dead-letters a record past maxReceiveCount too', async () => {
    const { deps, deadLettered } = fakes();
    const response = await processBatch([sqsRecord(envelopeBody('transient').body, MAX_RECEIVE_COUNT + 2)], deps);
    assert.deepEqual(response.batchItemFailures, []);
    assert.equal(deadLettered[0]?.failure.category, 'exhausted');
  });

  it('dead-letters a body that is no envelope as invalid, without applying it', async () => {
    // given bodies that are not JSON, not an object, or not a valid envelope
    const { envelope } = envelopeBody('ok');
    const bodies = [
      'not json',
      '[1,2]',
      JSON.stringify({ ...envelope, kind: 'fax.received' }),
      JSON.stringify({ ...envelope, version: 2 }),
    ];
    for (const body of bodies) {
      const { deps, deadLettered, applied } = fakes();
      const record = sqsRecord(body, 1);
      // when
      const response = await processBatch([record], deps);
      // then
      assert.deepEqual(response.batchItemFailures, [], body);
      assert.deepEqual(applied, [], body);
      assert.equal(deadLettered.length, 1, body);
      assert.equal(deadLettered[0]!.body, body);
      assert.equal(deadLettered[0]!.failure.category, 'invalid');
      assert.ok(deadLettered[0]!.failure.reason.length > 0);
    }
  });

  it('reports a record whose dead-lettering fails, so SQS delivers it again', async () => {
    // given a DLQ that refuses, for an invalid record and an exhausted one
    const { deps, failures } = fakes({ failDeadLetters: true });
    const invalid = sqsRecord(envelopeBody('permanent').body, 1);
    const exhausted = sqsRecord(envelopeBody('transient').body, MAX_RECEIVE_COUNT);
    // when
    const response = await processBatch([invalid, exhausted], deps);
    // then
    assert.deepEqual(response.batchItemFailures, [
      { itemIdentifier: invalid.messageId },
      { itemIdentifier: exhausted.messageId },
    ]);
    assert.deepEqual(failures, []);
  });

  it('still reports a transient failure when the failure store is down', async () => {
    const { deps } = fakes({ failFailureStore: true });
    const record = sqsRecord(envelopeBody('transient').body, 1);
    const response = await processBatch([record], deps);
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: record.messageId }]);
  });

  it('reports exactly the records to retry in a mixed batch', async () => {
    // given one record of each fate
    const { deps, deadLettered, failures, applied } = fakes();
    const ok = envelopeBody('ok');
    const retry = envelopeBody('transient');
    const retryAgain = envelopeBody('transient');
    const records = [
      sqsRecord(ok.body, 1),
      sqsRecord(retry.body, 2),
      sqsRecord(envelopeBody('permanent').body, 1),
      sqsRecord('{"broken"', 1),
      sqsRecord(envelopeBody('transient').body, MAX_RECEIVE_COUNT),
      sqsRecord(retryAgain.body, MAX_RECEIVE_COUNT - 1),
      sqsRecord(envelopeBody('ok').body, 3),
    ];
    // when
    const response = await processBatch(records, deps);
    // then
    assert.deepEqual(response.batchItemFailures, [
      { itemIdentifier: records[1]!.messageId },
      { itemIdentifier: records[5]!.messageId },
    ]);
    assert.deepEqual(
      deadLettered.map((d) => [d.failure.sourceMessageId, d.failure.category]).sort(),
      [
        [records[2]!.messageId, 'invalid'],
        [records[3]!.messageId, 'invalid'],
        [records[4]!.messageId, 'exhausted'],
      ].sort(),
    );
    assert.deepEqual(
      failures.map((f) => f.event_id).sort(),
      [retry.envelope.event_id, retryAgain.envelope.event_id].sort(),
    );
    assert.equal(applied.length, 6);
  });

  it('answers an empty batch with no failures', async () => {
    assert.deepEqual(await processBatch([], fakes().deps), { batchItemFailures: [] });
  });
});

describe('processBatch: a failed record comes back after its backoff (ChangeMessageVisibility)', () => {
  const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
  const backoff = { baseSeconds: 2, capSeconds: 89 };

  /** fakes() with the retries' port: records each change, or refuses them all with `failChanges`. */
  function withRetries(options: { failChanges?: boolean; failDeadLetters?: boolean; error?: unknown } = {}) {
    const base = fakes({ failDeadLetters: options.failDeadLetters });
    const changes: Array<{ receiptHandle: string; seconds: number }> = [];
    const warnings: Array<{ msg: string; fields?: Record<string, unknown> }> = [];
    const warnLog: Logger = { ...log, warn: (msg, fields) => warnings.push({ msg, fields }) };
    const deps: BatchDeps = {
      ...base.deps,
      ...(options.error !== undefined && {
        apply: async () => {
          throw options.error;
        },
      }),
      log: warnLog,
      retries: {
        backoff,
        now: () => NOW,
        random: () => 0.5,
        async changeVisibility(receiptHandle, seconds) {
          if (options.failChanges) throw new DependencyError('SQS unavailable');
          changes.push({ receiptHandle, seconds });
        },
      },
    };
    return { ...base, deps, changes, warnings };
  }

  it('sets each failed delivery to come back after 2 s, 8 s, 32 s, then the cap (equal jitter), then reports it', async () => {
    for (const [attempt, seconds] of [
      [1, 2],
      [2, 6],
      [3, 24],
      [4, 67],
    ] as const) {
      const { deps, changes, warnings } = withRetries();
      const record = sqsRecord(envelopeBody('transient').body, attempt);
      const response = await processBatch([record], deps);
      assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: record.messageId }]);
      assert.deepEqual(changes, [{ receiptHandle: record.receiptHandle, seconds }], `attempt ${attempt}`);
      const logged = warnings.find((w) => w.msg === 'event failed, will retry');
      assert.equal(logged?.fields?.retry_in_seconds, seconds);
    }
  });

  it('brings a record that found a claim held back once its lease ends, plus a margin', async () => {
    const { deps, changes } = withRetries({ error: new ClaimBusyError('claim held', NOW + 30_000) });
    const record = sqsRecord(envelopeBody('ok').body, 1);
    const response = await processBatch([record], deps);
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: record.messageId }]);
    assert.deepEqual(changes, [{ receiptHandle: record.receiptHandle, seconds: 31 }]);
  });

  it('still reports the record when SQS refuses the change: it then waits the visibility timeout', async () => {
    const { deps, failures, warnings } = withRetries({ failChanges: true });
    const record = sqsRecord(envelopeBody('transient').body, 1);
    const response = await processBatch([record], deps);
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: record.messageId }]);
    assert.equal(failures.length, 1);
    assert.ok(warnings.some((w) => w.msg === 'could not delay the retry; it waits the visibility timeout'));
    assert.equal(warnings.find((w) => w.msg === 'event failed, will retry')?.fields?.retry_in_seconds, undefined);
  });

  it('backs off a record whose dead-lettering failed too', async () => {
    const { deps, changes } = withRetries({ failDeadLetters: true });
    const record = sqsRecord(envelopeBody('permanent').body, 1);
    const response = await processBatch([record], deps);
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: record.messageId }]);
    assert.deepEqual(changes, [{ receiptHandle: record.receiptHandle, seconds: 2 }]);
  });

  it('leaves applied and dead-lettered records alone, and changes nothing when the cap leaves no backoff', async () => {
    const { deps, changes } = withRetries();
    const records = [
      sqsRecord(envelopeBody('ok').body, 1),
      sqsRecord(envelopeBody('permanent').body, 1),
      sqsRecord(envelopeBody('transient').body, MAX_RECEIVE_COUNT),
    ];
    assert.deepEqual((await processBatch(records, deps)).batchItemFailures, []);
    assert.deepEqual(changes, []);
    const noBackoff = withRetries();
    noBackoff.deps.retries = { ...noBackoff.deps.retries!, backoff: { baseSeconds: 2, capSeconds: 0 } };
    const record = sqsRecord(envelopeBody('transient').body, 1);
    assert.deepEqual((await processBatch([record], noBackoff.deps)).batchItemFailures, [
      { itemIdentifier: record.messageId },
    ]);
    assert.deepEqual(noBackoff.changes, []);
  });
});

describe('processBatch publishes the events of the changes a delivery applied', () => {
  const event = (id: string): DomainEvent => ({
    id,
    type: 'Call State Changed',
    version: 1,
    timestamp: '2026-01-01T00:00:00.000Z',
    subject: 'call/c-1',
    data: { call_id: 'c-1', state: 'answered' },
  });

  /** apply reports one event per delivery, as the use cases do for a change this delivery applied. */
  function withEvents(publish: BatchDeps['publish']) {
    const { deps } = fakes();
    const seen: string[] = [];
    deps.apply = async (envelope, events) => {
      seen.push(events.delivery);
      events.emit(event(`evt_${envelope.event_id}`));
      return 'advanced';
    };
    deps.publish = publish;
    return { deps, seen };
  }

  it('publishes before acknowledging; a publish that fails has the delivery retried, not acknowledged', async () => {
    const published: string[][] = [];
    let fail = true;
    const { deps } = withEvents(async (events) => {
      if (fail) throw new DependencyError('could not publish 1 event(s) to the bus');
      published.push(events.map((e) => e.id));
      return ALL_OUT;
    });
    const { body, envelope } = envelopeBody('ok');
    const first = await processBatch([sqsRecord(body, 1)], deps);
    assert.equal(first.batchItemFailures.length, 1, 'a failed publish leaves the delivery on the queue');
    fail = false;
    const second = await processBatch([sqsRecord(body, 2)], deps);
    assert.deepEqual(second.batchItemFailures, []);
    assert.deepEqual(published, [[`evt_${envelope.event_id}`]]);
  });

  it('publishes the batch once; only the deliveries whose events a target left undone come back', async () => {
    const calls: string[][] = [];
    const [a, b, c] = [envelopeBody('ok'), envelopeBody('ok'), envelopeBody('ok')];
    const { deps } = withEvents(async (events) => {
      calls.push(events.map((e) => e.id));
      return { ids: new Set([`evt_${b.envelope.event_id}`]), reason: 'bus: PutEvents refused 1 of 3 entries' };
    });
    const failures: string[] = [];
    deps.failures = {
      async record(failure) {
        failures.push(failure.last_error);
      },
      get: async () => undefined,
    };
    const [ra, rb, rc] = [sqsRecord(a.body, 1), sqsRecord(b.body, 1), sqsRecord(c.body, 1)];
    const result = await processBatch([ra, rb, rc], deps);
    assert.equal(calls.length, 1, 'one publish for the batch');
    assert.equal(calls[0]!.length, 3);
    assert.deepEqual(result.batchItemFailures, [{ itemIdentifier: rb.messageId }]);
    assert.match(failures[0]!, /1 of its event\(s\) not published \(bus: PutEvents refused 1 of 3 entries\)/);
  });

  it('a replay of a delivery the archive shows done is a delivery of its own; of one not done, the original', async () => {
    const { deps, seen } = withEvents(async () => ALL_OUT);
    const filed: Record<string, ArchiveStatus> = { 'evt-applied': 'applied', 'evt-dead': 'dead-lettered' };
    deps.archive = {
      get: async (eventId: string) => (filed[eventId] ? ({ status: filed[eventId] } as ArchiveEntry) : undefined),
      write: async () => undefined,
    } as unknown as ArchiveStore;
    const replayOf = (original: string) => createEnvelope({ ...envelopeBody('ok').envelope, replay_of: original });
    const [ofApplied, ofDead, ofUnknown] = [replayOf('evt-applied'), replayOf('evt-dead'), replayOf('evt-unknown')];
    await processBatch(
      [ofApplied, ofDead, ofUnknown].map((e) => sqsRecord(JSON.stringify(e), 1)),
      deps,
    );
    // Its events are out: the replay reports only what it changes itself. Not known to be out: it stands for it.
    assert.deepEqual(seen, [ofApplied.event_id, 'evt-dead', 'evt-unknown']);
    // An archive it cannot read: at least once, as the original.
    deps.archive.get = async () => {
      throw new DependencyError('archive unavailable');
    };
    seen.length = 0;
    await processBatch([sqsRecord(JSON.stringify(replayOf('evt-applied')), 1)], deps);
    assert.deepEqual(seen, ['evt-applied']);
  });

  it("tells the use cases the delivery's identity: its event id on every attempt, the original's for a replay", async () => {
    const { deps, seen } = withEvents(async () => ALL_OUT);
    const { body, envelope } = envelopeBody('ok');
    const replay = createEnvelope({ ...envelopeBody('ok').envelope, replay_of: 'evt-original' });
    await processBatch([sqsRecord(body, 1), sqsRecord(body, 2), sqsRecord(JSON.stringify(replay), 1)], deps);
    assert.deepEqual(seen, [envelope.event_id, envelope.event_id, 'evt-original']);
  });
});
