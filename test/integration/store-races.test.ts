import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CallState } from '../../lib/calls/call-state';
import type { CallStatusEvent } from '../../lib/calls/normalize-call-status';
import type { MessageStatus } from '../../lib/messages/message-status';
import type { IncomingMessage } from '../../lib/messages/normalize-incoming-message';
import type { MessageStatusEvent } from '../../lib/messages/normalize-message-status';
import { createCallStore } from '../../lib/store/call-store';
import { createClaimStore } from '../../lib/store/claim-store';
import { createMessageStore } from '../../lib/store/message-store';
import { resolveRoomSession } from '../../lib/store/room-latest';
import type { TableRef } from '../../lib/store/table';
import { startTestTable } from '../helpers/test-table';

// One given/when/then per "Race closed" comment of lib/store/{call,message,claim}-store.ts: two writes at once (or
// one after the other), and what the loser gets.
const T0 = Date.parse('2026-01-01T00:00:00Z');
const NOW = 1_800_000_000_000;
const event = (callId: string, state: CallState, second: number): CallStatusEvent => ({
  callId,
  state,
  occurredAt: T0 + second * 1000,
  shape: 'flat',
});
const receipt = (messageId: string, status: MessageStatus, second: number): MessageStatusEvent => ({
  messageId,
  status,
  rawStatus: status,
  occurredAt: T0 + second * 1000,
  shape: 'flat',
});
const inbound = (messageId: string, body: string): IncomingMessage => ({
  messageId,
  from: '+15550000001',
  to: '+15550000002',
  body,
  mediaUrls: [],
  segments: 1,
  occurredAt: T0,
  shape: 'flat',
});
const claim = (token: string, now = NOW) => ({ token, leaseExpiresAt: now + 60_000, now, fields: {} });
/** How many of the concurrent writes landed (a store answers true, or a defined record, when its write did). */
/** The same write by two workers at once. */
const twiceAtOnce = <T>(write: () => Promise<T>): Promise<T[]> => Promise.all([write(), write()]);
const wins = (results: unknown[]) => results.filter((result) => result !== undefined && result !== false).length;

let table: TableRef;
let stop: (() => Promise<void>) | undefined;
before(async () => {
  ({ table, stop } = await startTestTable());
});
after(() => stop?.());

describe('call store: the races its conditional writes close (DynamoDB emulator)', () => {
  let store: ReturnType<typeof createCallStore>;
  before(() => {
    store = createCallStore(table);
  });

  it('advance: two states applied at once, either order, end on the higher rank; the lower one loses', async () => {
    for (const order of [
      ['ringing', 'ended'],
      ['ended', 'ringing'],
    ] as const) {
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
    const results = await twiceAtOnce(() => store.advance(event(callId, 'answered', 1)));
    assert.equal(wins(results), 1);
  });

  it('recordLate: one late state delivered twice at once is recorded once, into the timeline only', async () => {
    // given a call already ended
    const callId = randomUUID();
    await store.advance(event(callId, 'ended', 10));
    // when a late `ringing` is recorded by two workers at once
    const results = await twiceAtOnce(() => store.recordLate(event(callId, 'ringing', 2)));
    // then one wins, the state stays ended and the timeline has it
    assert.equal(wins(results), 1);
    const call = await store.get(callId);
    assert.equal(call?.state, 'ended');
    assert.deepEqual(
      call?.timeline.map((step) => step.state),
      ['ringing', 'ended'],
    );
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

describe('message store: the races its conditional writes close (DynamoDB emulator)', () => {
  let store: ReturnType<typeof createMessageStore>;
  before(() => {
    store = createMessageStore(table);
  });

  it('recordInbound: the same inbound message processed twice at once lands once', async () => {
    // given one inbound message, when two workers record it at once (the second copy differs to show who won)
    const messageId = randomUUID();
    const results = await Promise.all([
      store.recordInbound(inbound(messageId, 'first')),
      store.recordInbound(inbound(messageId, 'second')),
    ]);
    // then exactly one write landed and the record is that one's
    assert.equal(wins(results), 1);
    assert.equal((await store.get(messageId))?.body, results[0] ? 'first' : 'second');
  });

  it('advance: two receipts at once, either order, end on the later status; a terminal status stays', async () => {
    for (const order of [
      ['sent', 'delivered'],
      ['delivered', 'sent'],
    ] as const) {
      const messageId = randomUUID();
      await Promise.all(order.map((status, i) => store.advance(receipt(messageId, status, i))));
      assert.equal((await store.get(messageId))?.status, 'delivered');
    }
    // given a delivered message, when a different terminal status arrives after it, then it loses
    const messageId = randomUUID();
    assert.equal(await store.advance(receipt(messageId, 'delivered', 1)), true);
    assert.equal(await store.advance(receipt(messageId, 'failed', 2)), false);
    assert.equal((await store.get(messageId))?.status, 'delivered');
  });

  it('recordLate: one late receipt delivered twice at once is recorded once, into the timeline only', async () => {
    const messageId = randomUUID();
    await store.advance(receipt(messageId, 'delivered', 5));
    const results = await twiceAtOnce(() => store.recordLate(receipt(messageId, 'sent', 1)));
    assert.equal(wins(results), 1);
    const { status, timeline } = (await store.get(messageId))!;
    assert.deepEqual(
      { status, timeline: timeline.map((step) => step.status) },
      { status: 'delivered', timeline: ['sent', 'delivered'] },
    );
  });

  it('recordOutbound (no condition): a receipt that raced ahead of it keeps its higher status', async () => {
    const messageId = randomUUID();
    await store.advance(receipt(messageId, 'delivered', 5));
    await store.recordOutbound({
      messageId,
      from: '+15550000002',
      to: '+15550000001',
      body: 'thanks',
      inReplyTo: 'in-1',
      queuedAt: T0,
    });
    const message = await store.get(messageId);
    assert.equal(message?.status, 'delivered');
    assert.equal(message?.direction, 'outbound');
  });

  it('advance: the same receipt applied twice at once moves the message once', async () => {
    const messageId = randomUUID();
    const results = await twiceAtOnce(() => store.advance(receipt(messageId, 'sent', 1)));
    assert.equal(wins(results), 1);
  });
});

describe('claim store: the races its conditional writes close (DynamoDB emulator)', () => {
  let store: ReturnType<typeof createClaimStore>;
  before(() => {
    store = createClaimStore(table, 'REPLY#');
  });

  it('create: two workers claim the same effect at once; only one holds it', async () => {
    const key = randomUUID();
    const results = await Promise.all([store.create(key, claim('a')), store.create(key, claim('b'))]);
    assert.equal(wins(results), 1);
    assert.equal((await store.get(key))?.token, results[0] ? 'a' : 'b');
  });

  it('takeOver: two workers take over the same expired claim at once; only one gets it', async () => {
    // given a claim whose lease has run out
    const key = randomUUID();
    await store.create(key, claim('old', NOW - 120_000));
    // when two workers that both read token `old` take it over at once
    const results = await Promise.all([store.takeOver(key, 'old', claim('a')), store.takeOver(key, 'old', claim('b'))]);
    // then one wins, counted as a second attempt
    assert.equal(wins(results), 1);
    const taken = await store.get(key);
    assert.equal(taken?.token, results[0] ? 'a' : 'b');
    assert.equal(taken?.attempts, 2);
  });

  it('finish: a holder whose lease was taken over cannot overwrite its successor', async () => {
    const key = randomUUID();
    await store.create(key, claim('old', NOW - 120_000));
    assert.equal(await store.takeOver(key, 'old', claim('new')), true);
    // when the old holder finishes after the takeover, then it is refused and the successor finishes
    assert.equal(await store.finish(key, 'old', 'sent', { sid: 'from-old' }), false);
    assert.equal(await store.finish(key, 'new', 'sent', { sid: 'from-new' }), true);
    const done = await store.get(key);
    assert.equal(done?.status, 'sent');
    assert.equal(done?.fields.sid, 'from-new');
  });

  it('recordIfAbsent: an outcome recorded without a claim never overwrites a claim made meanwhile', async () => {
    const key = randomUUID();
    assert.equal(await store.create(key, claim('holder')), true);
    assert.equal(await store.recordIfAbsent(key, 'skipped', { reason: 'no api' }), false);
    const held = await store.get(key);
    assert.equal(held?.status, 'in_progress');
    assert.equal(held?.token, 'holder');
  });
});

describe('room sessions: the races resolveRoomSession closes (DynamoDB emulator)', () => {
  // Payloads without room_session_id (the flat documentation's): a room.started and its first member's join applied at
  // once, either one first, for many rooms. Given each pair at once, then both land in one session of the room.
  it('a room.started and an early member event applied at once file into one session', async () => {
    const rooms = Array.from({ length: 40 }, () => `r-${randomUUID()}`);
    const split: string[] = [];
    await Promise.all(
      rooms.map(async (roomId) => {
        const started = { type: 'room.started' as const, roomId, occurredAt: T0 } as unknown as Parameters<
          typeof resolveRoomSession
        >[1];
        const joined = {
          type: 'member.joined' as const,
          roomId,
          memberId: 'ann',
          occurredAt: T0 + 1000,
        } as unknown as Parameters<typeof resolveRoomSession>[1];
        const [a, b] = await Promise.all([resolveRoomSession(table, started), resolveRoomSession(table, joined)]);
        if (a !== b) split.push(`${roomId}: started ${a}, joined ${b}`);
      }),
    );
    assert.deepEqual(split, []);
  });
});
