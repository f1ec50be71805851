import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CallState } from '../../lib/calls/call-state';
import type { CallStatusEvent } from '../../lib/calls/normalize-call-status';
import { createCallStore } from '../../lib/store/call-store';
import { startTable } from '../helpers/dynamodb-table';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const event = (callId: string, state: CallState, second: number): CallStatusEvent => ({ callId, state, occurredAt: T0 + second * 1000, shape: 'flat' });
const defined = (results: unknown[]) => results.filter((r) => r !== undefined).length;

describe('call store: the races its conditional writes close (DynamoDB emulator)', () => {
  let store: ReturnType<typeof createCallStore>;
  let stop: () => Promise<void>;
  before(async () => {
    const started = await startTable();
    stop = started.stop;
    store = createCallStore(started.table);
  });
  after(() => stop?.());

  it('advance: two states applied at once, either order, end on the higher rank; the lower one loses', async () => {
    for (const order of [['ringing', 'ended'], ['ended', 'ringing']] as const) {
      // given a call, when two workers advance it to two states at once
      const callId = randomUUID();
      const [first, second] = await Promise.all(order.map((state, i) => store.advance(event(callId, state, i))));
      // then the higher rank is the state, and a lower state arriving after it was refused
      assert.equal((await store.get(callId))?.state, 'ended');
      const ringing = order[0] === 'ringing' ? first : second;
      const ended = order[0] === 'ended' ? first : second;
      assert.notEqual(ended, undefined);
      if (ringing !== undefined) assert.ok(ringing.times.ringing !== undefined);
      // and applied strictly after, the lower state is refused outright
      assert.equal(await store.advance(event(callId, 'ringing', 5)), undefined);
    }
  });

  it('advance: the same state delivered twice at once is applied once', async () => {
    const callId = randomUUID();
    const results = await Promise.all([store.advance(event(callId, 'answered', 1)), store.advance(event(callId, 'answered', 1))]);
    assert.equal(defined(results), 1);
  });

  it('recordLate: one late state delivered twice at once is recorded once, into the timeline only', async () => {
    // given a call already ended
    const callId = randomUUID();
    await store.advance(event(callId, 'ended', 10));
    // when a late `ringing` is recorded by two workers at once
    const results = await Promise.all([store.recordLate(event(callId, 'ringing', 2)), store.recordLate(event(callId, 'ringing', 2))]);
    // then one wins, the state stays ended and the timeline has it
    assert.equal(defined(results), 1);
    const call = await store.get(callId);
    assert.equal(call?.state, 'ended');
    assert.deepEqual(call?.timeline.map((step) => step.state), ['ringing', 'ended']);
  });

  it('setDurationOnce: two durations set at once or one after the other; the first one stays', async () => {
    const callId = randomUUID();
    await store.advance(event(callId, 'ended', 10));
    await Promise.all([store.setDurationOnce(callId, 7), store.setDurationOnce(callId, 9)]);
    const settled = (await store.get(callId))?.duration_seconds;
    assert.ok(settled === 7 || settled === 9, String(settled));
    await store.setDurationOnce(callId, 42);
    assert.equal((await store.get(callId))?.duration_seconds, settled);
  });
});
