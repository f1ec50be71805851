import type { Context } from './context';
import { roomShows, setOf } from './context';

const CALL_RANK: Record<string, number> = { queued: 1, created: 2, ringing: 3, answered: 4, ending: 5, ended: 6 };
const STATUS_RANK: Record<string, number> = {
  queued: 10,
  initiated: 20,
  sent: 30,
  delivered: 100,
  undelivered: 100,
  failed: 100,
  receiving: 20,
  received: 100,
};

const highest = (values: Iterable<string>, rank: Record<string, number>) =>
  [...values].reduce<string | undefined>(
    (best, v) => (best === undefined || rank[v]! > rank[best]! ? v : best),
    undefined,
  );

/** Every acknowledged delivery's effect is in the store, or its envelope is in the DLQ. */
export function checkNothingLost(ctx: Context): void {
  for (const id of ctx.acked) {
    const d = ctx.deliveries.get(id)!;
    if (ctx.dead.has(id)) continue;
    const e = d.effect;
    // swml is answered synchronously (checked in checkSwml); any other kind left is poison: it must be in the DLQ.
    const applied =
      e.kind === 'call'
        ? setOf(ctx.item(`CALL#${e.callId}`)?.states_seen).has(e.state)
        : e.kind === 'inbound'
          ? ctx.item(`MESSAGE#${e.messageId}`)?.direction === 'inbound'
          : e.kind === 'status'
            ? setOf(ctx.item(`MESSAGE#${e.messageId}`)?.statuses_seen).has(e.status)
            : e.kind === 'video'
              ? roomShows(ctx.input.rooms.get(e.roomSessionId), e.eventKey)
              : e.kind === 'swml';
    if (!applied)
      ctx.problem(
        'lost',
        `${e.kind} delivery ${id} (${JSON.stringify(e)}) was acknowledged but is neither applied nor dead-lettered`,
      );
  }
}

/** Final call states and durations: the highest state applied, the duration the deliveries stated or imply. */
export function checkCalls(ctx: Context): void {
  const plans = new Map(ctx.input.calls.map((p) => [p.callId, p]));
  for (const [callId, deliveries] of ctx.group('call', (e) => e.callId)) {
    const item = ctx.item(`CALL#${callId}`);
    const sent = new Set(deliveries.map((d) => (d.effect as { state: string }).state));
    const seen = setOf(item?.states_seen);
    if (item === undefined) continue; // nothing applied: checkNothingLost judges whether that is allowed
    for (const state of seen)
      if (!sent.has(state)) ctx.problem('wrong_final_state', `call ${callId}: state ${state} applied but never sent`);
    if (item.state !== highest(seen, CALL_RANK))
      ctx.problem(
        'wrong_final_state',
        `call ${callId}: state ${item.state}, expected ${highest(seen, CALL_RANK)} (applied: ${[...seen]})`,
      );
    const expected = plans.get(callId)?.durationSeconds ?? null;
    const actual = item.duration_seconds ?? null;
    const definite = seen.has('ended') && (seen.has('answered') || item.at_answered !== undefined);
    // A call never answered has no talk time, or SignalWire's 0 s (its voice logs say 0; a reconcile report keeps it).
    const ok =
      expected === null
        ? actual === null || actual === 0
        : definite
          ? actual === expected
          : actual === null || actual === expected;
    if (!ok)
      ctx.problem(
        'wrong_final_state',
        `call ${callId}: duration ${actual}, expected ${expected} (applied: ${[...seen]})`,
      );
  }
}

/** Message statuses: the highest status applied (the one terminal one when it was applied). */
export function checkMessageStatuses(ctx: Context): void {
  for (const [messageId, deliveries] of ctx.group('status', (e) => e.messageId)) {
    const item = ctx.item(`MESSAGE#${messageId}`);
    if (item === undefined) continue;
    const sent = new Set(deliveries.map((d) => (d.effect as { status: string }).status));
    const seen = setOf(item.statuses_seen);
    for (const status of seen)
      if (!sent.has(status))
        ctx.problem('wrong_final_state', `message ${messageId}: status ${status} applied but never sent`);
    if (item.status !== highest(seen, STATUS_RANK))
      ctx.problem(
        'wrong_final_state',
        `message ${messageId}: status ${item.status}, expected ${highest(seen, STATUS_RANK)}`,
      );
  }
}

/** Room member counts: exactly the members whose join was applied and whose leave was not; nobody never sent. */
export function checkRooms(ctx: Context): void {
  for (const [session, deliveries] of ctx.group('video', (e) => e.roomSessionId)) {
    const room = ctx.input.rooms.get(session);
    if (room === undefined) continue;
    const sent = new Set(
      deliveries.flatMap((d) =>
        (d.effect as { memberId?: string }).memberId ? [(d.effect as { memberId: string }).memberId] : [],
      ),
    );
    for (const m of room.members)
      if (!sent.has(m.id)) ctx.problem('wrong_final_state', `room ${session}: member ${m.id} never sent`);
    const expected = room.members.filter((m) => m.joined_at !== null && m.left_at === null).length;
    const actual = room.member_count;
    if (actual > expected)
      ctx.problem('double_applied', `room ${session}: member_count ${actual}, expected ${expected}`, actual - expected);
    if (actual < expected)
      ctx.problem('wrong_final_state', `room ${session}: member_count ${actual}, expected ${expected}`);
  }
}

/** SWML fetches: every answered fetch got a document; the journal (best effort) files a fetch at most once. */
export function checkSwml(ctx: Context): number {
  let documents = 0;
  for (const r of ctx.input.results) {
    if (r.delivery.effect.kind !== 'swml' || !r.acked) continue;
    if (r.document) documents++;
    else ctx.problem('wrong_final_state', `swml fetch ${r.delivery.effect.callId}: answered without a SWML document`);
  }
  const perCall = new Map<string, number>();
  for (const [pk, item] of ctx.input.items)
    if (pk.startsWith('SWML#')) perCall.set(String(item.call_id), (perCall.get(String(item.call_id)) ?? 0) + 1);
  for (const [callId, n] of perCall)
    if (n > 1) ctx.problem('double_applied', `swml fetch ${callId} journaled ${n} times`, n - 1);
  return documents;
}
