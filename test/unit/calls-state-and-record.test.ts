import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyCallStatus, type CallStore, type StoredCall } from '../../lib/calls/apply-call-status';
import { durationSeconds, timelineOf, type CallRecord } from '../../lib/calls/call-record';
import { CALL_STATE_RANK, isCallState, isTerminal, type CallState } from '../../lib/calls/call-state';
import type { CallStatusEvent } from '../../lib/calls/normalize-call-status';

// The lifecycle of a call, as SIGNALWIRE.md lists the states of the three shapes.
const LIFECYCLE: CallState[] = ['queued', 'created', 'ringing', 'answered', 'ending', 'ended'];
const T0 = Date.UTC(2025, 0, 15, 10, 30, 0);

describe('call states', () => {
  it('ranks strictly increase along the lifecycle, and every state has one', () => {
    assert.deepEqual(Object.keys(CALL_STATE_RANK).sort(), [...LIFECYCLE].sort());
    for (let i = 1; i < LIFECYCLE.length; i++) {
      const [earlier, later] = [LIFECYCLE[i - 1]!, LIFECYCLE[i]!];
      assert.ok(CALL_STATE_RANK[earlier] < CALL_STATE_RANK[later], `${earlier} must rank below ${later}`);
    }
  });

  it('ended is the only terminal state, and it outranks every other', () => {
    for (const state of LIFECYCLE) {
      assert.equal(isTerminal(state), state === 'ended', state);
      if (state !== 'ended') assert.ok(CALL_STATE_RANK.ended > CALL_STATE_RANK[state]);
    }
  });

  it('isCallState knows the states and nothing inherited', () => {
    for (const state of LIFECYCLE) assert.equal(isCallState(state), true);
    for (const other of ['ENDED', 'completed', 'in-progress', '', 'constructor', '__proto__', 'toString']) {
      assert.equal(isCallState(other), false, other);
    }
  });
});

describe('timelineOf', () => {
  it('orders states by lifecycle, not by time', () => {
    // given times that run backwards (clock skew between SignalWire nodes), inserted in arrival order
    const times: Partial<Record<CallState, number>> = {
      ended: T0 + 1_000,
      ringing: T0 + 9_000,
      answered: T0 + 5_000,
      created: T0 + 20_000,
    };
    // when
    const timeline = timelineOf(times);
    // then
    assert.deepEqual(timeline, [
      { state: 'created', at: new Date(T0 + 20_000).toISOString() },
      { state: 'ringing', at: new Date(T0 + 9_000).toISOString() },
      { state: 'answered', at: new Date(T0 + 5_000).toISOString() },
      { state: 'ended', at: new Date(T0 + 1_000).toISOString() },
    ]);
  });

  it('is empty for a call with no times', () => {
    assert.deepEqual(timelineOf({}), []);
  });
});

describe('durationSeconds', () => {
  it('is the talk time from answered to ended, rounded to seconds', () => {
    assert.equal(durationSeconds({ answered: T0, ended: T0 + 56_000 }), 56);
    assert.equal(durationSeconds({ ringing: T0 - 3_000, answered: T0, ended: T0 + 1_499 }), 1);
    assert.equal(durationSeconds({ answered: T0, ended: T0 + 1_500 }), 2);
    assert.equal(durationSeconds({ answered: T0, ended: T0 }), 0);
  });

  it('is unknown until both ends are known, or when they run backwards', () => {
    assert.equal(durationSeconds({}), undefined);
    assert.equal(durationSeconds({ answered: T0 }), undefined);
    assert.equal(durationSeconds({ created: T0, ended: T0 + 10_000 }), undefined);
    assert.equal(durationSeconds({ answered: T0, ended: T0 - 1 }), undefined);
  });
});

/**
 * An in-memory CallStore with the semantics of lib/store/call-store.ts: `advance` only to a higher rank and an
 * unseen state, `recordLate` only for an existing call and an unseen state; the first value of a field wins.
 */
function memoryCallStore() {
  interface Item {
    state: CallState;
    rank: number;
    seen: Set<CallState>;
    advanced: Set<CallState>;
    times: Partial<Record<CallState, number>>;
    duration?: number;
    fields: Partial<Record<'from' | 'to' | 'direction' | 'end_reason', string>>;
  }
  const items = new Map<string, Item>();
  const durationCalls: Array<[string, number]> = [];

  function write(item: Item, event: CallStatusEvent): StoredCall {
    item.seen.add(event.state);
    item.times[event.state] ??= event.occurredAt;
    for (const [state, at] of Object.entries(event.knownTimes ?? {}) as Array<[CallState, number]>)
      item.times[state] ??= at;
    item.duration ??= event.durationSeconds;
    const fields = { from: event.from, to: event.to, direction: event.direction, end_reason: event.endReason };
    for (const [name, value] of Object.entries(fields) as Array<[keyof Item['fields'], string | undefined]>) {
      if (value !== undefined) item.fields[name] ??= value;
    }
    return storedOf(event.callId, item);
  }

  function storedOf(callId: string, item: Item): StoredCall {
    return {
      callId,
      state: item.state,
      advanced: [...item.advanced],
      advancedBy: {},
      times: { ...item.times },
      durationSeconds: item.duration,
      endReason: item.fields.end_reason,
    };
  }

  const store: CallStore = {
    async advance(event) {
      const rank = CALL_STATE_RANK[event.state];
      const item = items.get(event.callId);
      if (item !== undefined && (item.rank >= rank || item.seen.has(event.state))) return undefined;
      const next = item ?? { state: event.state, rank, seen: new Set(), advanced: new Set(), times: {}, fields: {} };
      next.advanced.add(event.state);
      next.state = event.state;
      next.rank = rank;
      items.set(event.callId, next);
      return write(next, event);
    },
    async recordLate(event) {
      const item = items.get(event.callId);
      if (item === undefined || item.seen.has(event.state)) return undefined;
      return write(item, event);
    },
    async setDurationOnce(callId, seconds) {
      durationCalls.push([callId, seconds]);
      const item = items.get(callId);
      if (item === undefined || item.duration !== undefined) return false;
      item.duration = seconds;
      return true;
    },
    async stored(callId) {
      const item = items.get(callId);
      return item === undefined ? undefined : storedOf(callId, item);
    },
    async get(callId): Promise<CallRecord | undefined> {
      const item = items.get(callId);
      if (item === undefined) return undefined;
      return {
        call_id: callId,
        state: item.state,
        timeline: timelineOf(item.times),
        ...item.fields,
        duration_seconds: item.duration ?? null,
        price: null,
        price_unit: null,
        reconcile: null,
        reconcile_reason: null,
        reconciled_at: null,
        first_seen_at: new Date(T0).toISOString(),
        updated_at: new Date(T0).toISOString(),
      };
    },
  };
  return { store, durationCalls };
}

const CALL_ID = 'c-1';
const at: Record<CallState, number> = {
  queued: T0,
  created: T0 + 1_000,
  ringing: T0 + 2_000,
  answered: T0 + 5_000,
  ending: T0 + 64_000,
  ended: T0 + 65_000,
};
const flat = (state: CallState, extra: Partial<CallStatusEvent> = {}): CallStatusEvent => ({
  callId: CALL_ID,
  state,
  occurredAt: at[state],
  shape: 'flat',
  ...extra,
});

async function applyAll(store: CallStore, events: CallStatusEvent[]) {
  const outcomes = [];
  for (const event of events) outcomes.push(await applyCallStatus(event, store));
  return outcomes;
}

describe('applyCallStatus', () => {
  it('advances through the lifecycle in order', async () => {
    // given
    const { store } = memoryCallStore();
    // when
    const outcomes = await applyAll(store, [flat('created'), flat('ringing'), flat('answered')]);
    // then
    assert.deepEqual(outcomes, ['advanced', 'advanced', 'advanced']);
    const call = await store.get(CALL_ID);
    assert.equal(call?.state, 'answered');
    assert.deepEqual(
      call?.timeline.map((entry) => entry.state),
      ['created', 'ringing', 'answered'],
    );
  });

  it('records a late state in the timeline without moving the state back', async () => {
    // given a call that already ended
    const { store } = memoryCallStore();
    await applyAll(store, [flat('ended')]);
    // when ringing arrives late
    const outcome = await applyCallStatus(flat('ringing'), store);
    // then
    assert.equal(outcome, 'recorded-late');
    const call = await store.get(CALL_ID);
    assert.equal(call?.state, 'ended');
    assert.deepEqual(call?.timeline, [
      { state: 'ringing', at: new Date(at.ringing).toISOString() },
      { state: 'ended', at: new Date(at.ended).toISOString() },
    ]);
  });

  it('reports the same state twice as a duplicate, in order or late', async () => {
    // given
    const { store } = memoryCallStore();
    await applyAll(store, [flat('ringing'), flat('ended')]);
    // when
    const outcomes = await applyAll(store, [
      flat('ended'),
      flat('ringing'),
      flat('ended', { occurredAt: at.ended + 1 }),
    ]);
    // then
    assert.deepEqual(outcomes, ['duplicate', 'duplicate', 'duplicate']);
    assert.equal(
      (await store.get(CALL_ID))?.timeline.find((entry) => entry.state === 'ended')?.at,
      new Date(at.ended).toISOString(),
    );
  });

  const orders: Array<[string, CallState[]]> = [
    ['answered then ended', ['answered', 'ended']],
    ['ended then answered', ['ended', 'answered']],
    [
      'ringing, ended, answered, then a late ringing and created',
      ['ringing', 'ended', 'answered', 'ringing', 'created'],
    ],
  ];
  for (const [name, states] of orders) {
    it(`derives the duration exactly once: ${name}`, async () => {
      // given
      const { store, durationCalls } = memoryCallStore();
      // when
      await applyAll(
        store,
        states.map((state) => flat(state)),
      );
      // then
      const expected = Math.round((at.ended - at.answered) / 1000);
      assert.deepEqual(durationCalls, [[CALL_ID, expected]]);
      assert.equal((await store.get(CALL_ID))?.duration_seconds, expected);
    });
  }

  it('derives nothing until both answered and ended are known', async () => {
    const { store, durationCalls } = memoryCallStore();
    await applyAll(store, [flat('ringing'), flat('answered'), flat('ending')]);
    assert.deepEqual(durationCalls, []);
    assert.equal((await store.get(CALL_ID))?.duration_seconds, null);
  });

  it('gives a call that ended unanswered (no-answer, busy) a duration of 0', async () => {
    const { store, durationCalls } = memoryCallStore();
    await applyAll(store, [flat('ringing'), flat('ended', { endReason: 'no-answer' })]);
    assert.deepEqual(durationCalls, [[CALL_ID, 0]]);
  });

  it('derives nothing for a call that ended for another reason with no answered time yet (one may still come)', async () => {
    const { store, durationCalls } = memoryCallStore();
    await applyAll(store, [flat('ringing'), flat('ended', { endReason: 'hangup' })]);
    assert.deepEqual(durationCalls, []);
  });

  it('does not derive a duration the delivery already stated', async () => {
    // given a cXML completed with CallDuration, after an answered
    const { store, durationCalls } = memoryCallStore();
    // when
    await applyAll(store, [
      flat('answered'),
      flat('ended', { shape: 'cxml', durationSeconds: 42, endReason: 'completed' }),
    ]);
    // then the stated 42 s stands, though answered -> ended says otherwise
    assert.deepEqual(durationCalls, []);
    assert.equal((await store.get(CALL_ID))?.duration_seconds, 42);
  });

  it('does not derive a duration when a RELAY event stated its times and duration', async () => {
    // given a RELAY ended event carrying start, answer and end times
    const { store, durationCalls } = memoryCallStore();
    const relayEnded = flat('ended', {
      shape: 'relay',
      durationSeconds: 56,
      knownTimes: { created: T0, answered: T0 + 4_000, ended: T0 + 60_000 },
      occurredAt: T0 + 60_123,
    });
    // when it arrives, then the answered event late
    const outcomes = await applyAll(store, [relayEnded, flat('answered')]);
    // then
    assert.deepEqual(outcomes, ['advanced', 'recorded-late']);
    assert.deepEqual(durationCalls, []);
    const call = await store.get(CALL_ID);
    assert.equal(call?.duration_seconds, 56);
    assert.deepEqual(
      call?.timeline.map((entry) => entry.state),
      ['created', 'answered', 'ended'],
    );
  });

  it('does not call setDurationOnce when the store already has a duration', async () => {
    // given a store whose call has a duration and both times (a previous worker set it, then crashed)
    const { store, durationCalls } = memoryCallStore();
    await applyAll(store, [flat('answered'), flat('ended')]);
    durationCalls.length = 0;
    // when a later state of the same call is still new to the store
    const outcome = await applyCallStatus(flat('ringing'), store);
    // then
    assert.equal(outcome, 'recorded-late');
    assert.deepEqual(durationCalls, []);
  });
});
