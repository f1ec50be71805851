import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyCallStatus } from '../../lib/calls/apply-call-status';
import type { CallState } from '../../lib/calls/call-state';
import type { CallStatusEvent } from '../../lib/calls/normalize-call-status';
import { collectEvents } from '../../lib/events/change-events';
import type { DomainEvent } from '../../lib/events/domain-event';
import { applyMessageStatus } from '../../lib/messages/apply-message-status';
import type { MessageStatus } from '../../lib/messages/message-status';
import type { MessageStatusEvent } from '../../lib/messages/normalize-message-status';
import { applyReconciled, type ReconciledDeps } from '../../lib/reconcile/apply-reconciled';
import { reconcileEnvelope } from '../../lib/reconcile/reconcile-payload';
import { createCallStore } from '../../lib/store/call-store';
import { createMessageStore } from '../../lib/store/message-store';
import { createSettleStore } from '../../lib/store/reconcile-store';
import { assertValidEvents } from '../helpers/event-schemas';
import { shuffle } from '../helpers/shuffle';
import { startTestTable, type TestTable } from '../helpers/test-table';

// The events' promise, attacked on the real stores (DynamoDB emulator): states shuffled, duplicated and applied
// concurrently give one event per real change; a delivery that "died" after its write (its events dropped) comes
// back redelivered and reports the same events again, with the same ids.
const T0 = Date.parse('2026-02-01T09:00:00Z');
const STATES: [CallState, number][] = [
  ['created', 0],
  ['ringing', 1],
  ['answered', 5],
  ['ended', 65],
];
const callEvent = (callId: string, state: CallState, second: number): CallStatusEvent => ({
  callId,
  state,
  occurredAt: T0 + second * 1000,
  from: '+15550001111',
  to: '+15550002222',
  ...(state === 'ended' && { endReason: 'hangup' }),
  shape: 'flat',
});

describe('one event per real change, on the real stores', () => {
  let db: TestTable;
  before(async () => {
    db = await startTestTable();
  });
  after(async () => db?.stop());

  it('a call whose states arrive shuffled, duplicated and concurrent: one Call Ended with the right duration', async () => {
    const calls = createCallStore(db.table);
    for (let seed = 1; seed <= 12; seed++) {
      const callId = `c-shuffled-${seed}`;
      const deliveries = shuffle([...STATES, ...STATES, [STATES[seed % 4]![0], STATES[seed % 4]![1]] as const], seed);
      const published: DomainEvent[] = [];
      // Two at a time, as two workers would.
      for (let i = 0; i < deliveries.length; i += 2) {
        await Promise.all(
          deliveries.slice(i, i + 2).map(async ([state, second], j) => {
            const events = collectEvents(`d-${seed}-${i + j}`);
            await applyCallStatus(callEvent(callId, state, second), calls, events);
            published.push(...events.events);
          }),
        );
      }
      assertValidEvents(published);
      const ids = published.map((e) => e.id);
      assert.equal(new Set(ids).size, ids.length, `seed ${seed}: an event published twice without a fault`);
      const ended = published.filter((e) => e.type === 'Call Ended');
      assert.equal(ended.length, 1, `seed ${seed}: ${JSON.stringify(published.map((e) => e.type))}`);
      assert.equal((ended[0]!.data as { duration_seconds: number }).duration_seconds, 60);
      assert.equal(ended[0]!.timestamp, new Date(T0 + 65_000).toISOString());
      // State changes: exactly the states the call moved forward to, each once, and always `ended` (it outranks all).
      const changed = published
        .filter((e) => e.type === 'Call State Changed')
        .map((e) => (e.data as { state: string }).state);
      const stored = await calls.stored(callId);
      assert.deepEqual([...changed].sort(), [...stored!.advanced].sort());
      assert.ok(changed.includes('ended'));
    }
  });

  it('a delivery that died after its write: its redelivery reports its events again, same ids; a duplicate does not', async () => {
    const calls = createCallStore(db.table);
    const callId = 'c-died';
    await applyCallStatus(callEvent(callId, 'answered', 5), calls, collectEvents('d-answered'));
    const first = collectEvents('d-ended');
    await applyCallStatus(callEvent(callId, 'ended', 65), calls, first);
    // The worker died here: `first.events` never left. SignalWire's own duplicate (another delivery) reports nothing.
    const duplicate = collectEvents('d-ended-again');
    assert.equal(await applyCallStatus(callEvent(callId, 'ended', 65), calls, duplicate), 'duplicate');
    assert.deepEqual(duplicate.events, []);
    // SQS delivers the same message again (or the SDK retried the write whose answer was lost): the same delivery.
    const redelivered = collectEvents('d-ended');
    assert.equal(await applyCallStatus(callEvent(callId, 'ended', 65), calls, redelivered), 'duplicate');
    assert.deepEqual(
      redelivered.events.map((e) => [e.type, e.id]),
      first.events.map((e) => [e.type, e.id]),
    );
    assert.deepEqual(redelivered.events, first.events);
  });

  it("a write whose answer was lost (the SDK's retry finds it done) still reports its change: the duration's too", async () => {
    const real = createCallStore(db.table);
    // As the SDK sees a dropped answer: the write landed, its retry is refused by the condition.
    const answerLost: typeof real = {
      ...real,
      async advance(event, by) {
        await real.advance(event, by);
        return undefined;
      },
      async setDurationOnce(callId, seconds, by) {
        await real.setDurationOnce(callId, seconds, by);
        return false;
      },
    };
    await applyCallStatus(callEvent('c-lost-answer', 'ended', 65), real, collectEvents('la-ended'));
    const late = collectEvents('la-answered');
    assert.equal(await applyCallStatus(callEvent('c-lost-answer', 'answered', 5), answerLost, late), 'recorded-late');
    assert.deepEqual(
      late.events.map((e) => [e.type, (e.data as { duration_seconds?: number }).duration_seconds]),
      [['Call Ended', 60]],
    );
    const lostAdvance = collectEvents('la2-answered');
    assert.equal(
      await applyCallStatus(callEvent('c-lost-advance', 'answered', 5), answerLost, lostAdvance),
      'duplicate',
    );
    assert.deepEqual(
      lostAdvance.events.map((e) => e.type),
      ['Call State Changed'],
    );
  });

  it('a redelivered late state reports nothing: it never was a change of state', async () => {
    const calls = createCallStore(db.table);
    const callId = 'c-late';
    await applyCallStatus(callEvent(callId, 'answered', 5), calls, collectEvents('l-answered'));
    await applyCallStatus(callEvent(callId, 'ended', 65), calls, collectEvents('l-ended'));
    const late = collectEvents('l-ringing');
    assert.equal(await applyCallStatus(callEvent(callId, 'ringing', 1), calls, late), 'recorded-late');
    assert.deepEqual(late.events, []);
    const again = collectEvents('l-ringing');
    await applyCallStatus(callEvent(callId, 'ringing', 1), calls, again);
    assert.deepEqual(again.events, []);
  });

  it('a call ended unanswered (busy) ends with 0 seconds; one ended before its answered gets Call Ended from the late answered', async () => {
    const calls = createCallStore(db.table);
    const busy = collectEvents('b-ended');
    await applyCallStatus({ ...callEvent('c-busy', 'ended', 3), endReason: 'busy' }, calls, busy);
    const busyEnded = busy.events.find((e) => e.type === 'Call Ended');
    assert.ok(busyEnded, 'a busy call ends too');
    assert.equal((busyEnded.data as { duration_seconds: number }).duration_seconds, 0);

    const ended = collectEvents('e-ended');
    await applyCallStatus(callEvent('c-ended-first', 'ended', 65), calls, ended);
    assert.deepEqual(
      ended.events.map((e) => e.type),
      ['Call State Changed'],
    );
    const answered = collectEvents('e-answered');
    assert.equal(await applyCallStatus(callEvent('c-ended-first', 'answered', 5), calls, answered), 'recorded-late');
    assert.deepEqual(
      answered.events.map((e) => [e.type, (e.data as { duration_seconds?: number }).duration_seconds]),
      [['Call Ended', 60]],
    );
  });

  it('message statuses shuffled and duplicated: one Message Status Changed per status moved to', async () => {
    const messages = createMessageStore(db.table);
    const statuses: MessageStatus[] = ['queued', 'initiated', 'sent', 'delivered'];
    for (let seed = 1; seed <= 8; seed++) {
      const messageId = `m-${seed}`;
      const published: DomainEvent[] = [];
      for (const [n, status] of shuffle([...statuses, ...statuses], seed).entries()) {
        const events = collectEvents(`m-${seed}-${n}`);
        const receipt: MessageStatusEvent = {
          messageId,
          status,
          rawStatus: status,
          occurredAt: T0 + statuses.indexOf(status) * 1000,
          shape: 'flat',
        };
        await applyMessageStatus(receipt, messages, events);
        published.push(...events.events);
      }
      assertValidEvents(published);
      const moved = published.map((e) => (e.data as { status: string }).status);
      assert.equal(new Set(moved).size, moved.length);
      assert.deepEqual([...moved].sort(), Object.keys((await messages.appliedBy(messageId)).statuses).sort());
      assert.ok(moved.includes('delivered'));
    }
  });
  it("a price from SignalWire's REST API: one Call Priced or Message Priced per record, whichever report brought it", async () => {
    const deps: ReconciledDeps = {
      calls: createCallStore(db.table),
      messages: createMessageStore(db.table),
      settleCalls: createSettleStore(db.table, 'CALL'),
      settleMessages: createSettleStore(db.table, 'MESSAGE'),
    };
    const resource = (id: string, price: string) => ({
      sid: id,
      status: 'completed',
      direction: 'inbound',
      from: '+15550001111',
      to: '+15550002222',
      start_time: 'Sun, 01 Feb 2026 09:00:05 +0000',
      end_time: 'Sun, 01 Feb 2026 09:01:05 +0000',
      duration: '60',
      price,
      price_unit: 'USD',
    });
    const callReport = (price: string) =>
      reconcileEnvelope('call.status', {
        reconcile: 'state',
        api: 'compat',
        record_id: 'c-priced',
        resource: resource('c-priced', price),
      });
    // given a call that ended through its webhooks, unpriced
    await applyCallStatus(callEvent('c-priced', 'answered', 5), deps.calls, collectEvents('p-answered'));
    await applyCallStatus(callEvent('c-priced', 'ended', 65), deps.calls, collectEvents('p-ended'));
    // when two reconciler runs report its price at once, and the first report is delivered again
    const [a, b] = [callReport('-0.0130'), callReport('-0.0130')];
    const [first, second] = [collectEvents(a.event_id), collectEvents(b.event_id)];
    await Promise.all([applyReconciled(a, deps, first), applyReconciled(b, deps, second)]);
    const priced = [...first.events, ...second.events].filter((e) => e.type === 'Call Priced');
    // then one Call Priced, with SignalWire's price and the call's duration
    assert.equal(priced.length, 1, JSON.stringify([...first.events, ...second.events].map((e) => e.type)));
    assertValidEvents(priced);
    assert.deepEqual(priced[0]!.data, {
      call_id: 'c-priced',
      price: 0.013,
      price_unit: 'USD',
      from: '+15550001111',
      to: '+15550002222',
      duration_seconds: 60,
    });
    // and the report that priced it, delivered again (its events may not have left), reports it again, same id;
    // the other report, again, does not
    const winner = first.events.some((e) => e.type === 'Call Priced') ? a : b;
    const loser = winner === a ? b : a;
    const again = collectEvents(winner.event_id);
    await applyReconciled(winner, deps, again);
    assert.deepEqual(
      again.events.filter((e) => e.type === 'Call Priced'),
      priced,
    );
    const other = collectEvents(loser.event_id);
    await applyReconciled(loser, deps, other);
    assert.deepEqual(other.events, []);

    // A message (one we sent) priced once it was delivered: one Message Priced.
    const messageReport = () =>
      reconcileEnvelope('message.status', {
        reconcile: 'state',
        api: 'compat',
        record_id: 'm-priced',
        resource: {
          sid: 'm-priced',
          status: 'delivered',
          direction: 'outbound-api',
          from: '+15550002222',
          to: '+15550001111',
          price: '-0.00790',
          price_unit: 'USD',
        },
      });
    const reports = [messageReport(), messageReport(), messageReport()];
    const sinks = reports.map((r) => collectEvents(r.event_id));
    for (const [n, r] of reports.entries()) await applyReconciled(r, deps, sinks[n]);
    const messagePriced = sinks.flatMap((sink) => sink.events).filter((e) => e.type === 'Message Priced');
    assertValidEvents(messagePriced);
    assert.deepEqual(
      messagePriced.map((e) => e.data),
      [{ message_id: 'm-priced', price: 0.0079, price_unit: 'USD', from: '+15550002222', to: '+15550001111' }],
    );
  });
});
