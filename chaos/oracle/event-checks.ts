import { stableEventId, type EventType } from '../../lib/events/domain-event';
import { schemaErrors } from '../../test/helpers/event-schemas';
import { type Context, roomShows, setOf } from './context';

/** The events' side of a run: every applied change's event on the bus at least once, with its id. */
export interface EventTally {
  /** Events the bus accepted through its fault proxy (duplicates included). */
  published: number;
  /** Applied changes, read back from the store: each one's event must be on the bus. */
  expected: number;
  /** Expected events the bus never got. */
  lost: number;
  /** Extra copies of an event (same id): only a fault (a dropped answer, a killed worker, a retry) makes one. */
  duplicates: number;
  /** Events on the bus for no applied change. */
  unexpected: number;
  /** Events that break their JSON Schema. */
  invalid: number;
  by_type: Record<string, number>;
}

const VIDEO_TYPES: Readonly<Record<string, EventType>> = {
  'room.started': 'Room Session Started',
  'room.ended': 'Room Session Ended',
  'member.joined': 'Member Joined',
  'member.left': 'Member Left',
  'recording.completed': 'Recording Completed',
};

/**
 * Holds the bus against the store. The changes are read from what the store applied, not from what was sent: a call's
 * `states_advanced` (its Call State Changed events) and, once ended with a duration, its Call Ended; a message's
 * `statuses_advanced` and, inbound, its Message Received; each SWML fetch filed; each video event the room shows.
 */
export function checkEvents(ctx: Context, published: { detail: Record<string, unknown> }[]): EventTally {
  const expected = expectedEvents(ctx);
  const seen = new Map<string, number>();
  const byType: Record<string, number> = {};
  let invalid = 0;
  for (const { detail } of published) {
    const id = String(detail.id);
    seen.set(id, (seen.get(id) ?? 0) + 1);
    byType[String(detail.type)] = (byType[String(detail.type)] ?? 0) + 1;
    const errors = schemaErrors(detail);
    if (errors.length > 0) {
      invalid++;
      ctx.problem('wrong_final_state', `event ${id} (${String(detail.type)}) breaks its schema: ${errors.join('; ')}`);
    }
  }
  let lost = 0;
  for (const [id, what] of expected)
    if (!seen.has(id)) {
      lost++;
      ctx.problem('lost', `event ${what} (${id}) never reached the bus`);
    }
  let unexpected = 0;
  for (const id of seen.keys())
    if (!expected.has(id)) {
      unexpected++;
      ctx.problem('wrong_final_state', `event ${id} on the bus is no applied change's`);
    }
  const duplicates = [...seen.values()].reduce((n, count) => n + count - 1, 0);
  return {
    published: published.length,
    expected: expected.size,
    lost,
    duplicates,
    unexpected,
    invalid,
    by_type: byType,
  };
}

/** Event id -> what it is, for every change the store shows applied. */
function expectedEvents(ctx: Context): Map<string, string> {
  const expected = new Map<string, string>();
  const add = (type: EventType, ...change: string[]) =>
    expected.set(stableEventId(type, ...change), `${type} ${change.join(' ')}`);
  for (const [pk, item] of ctx.input.items) {
    if (pk.startsWith('CALL#')) {
      const callId = String(item.call_id);
      for (const state of setOf(item.states_advanced)) add('Call State Changed', callId, state);
      if (item.state === 'ended' && typeof item.duration_seconds === 'number') add('Call Ended', callId);
    } else if (pk.startsWith('MESSAGE#')) {
      const messageId = String(item.message_id);
      for (const status of setOf(item.statuses_advanced)) add('Message Status Changed', messageId, status);
      if (item.direction === 'inbound') add('Message Received', messageId);
    } else if (pk.startsWith('SWML#')) add('SWML Fetched', String(item.event_id));
  }
  for (const d of ctx.deliveries.values()) {
    if (d.effect.kind !== 'video') continue;
    const { roomSessionId, eventKey } = d.effect;
    const type = VIDEO_TYPES[eventKey.split(':')[0]!];
    if (type !== undefined && roomShows(ctx.input.rooms.get(roomSessionId), eventKey))
      add(type, roomSessionId, eventKey);
  }
  return expected;
}
