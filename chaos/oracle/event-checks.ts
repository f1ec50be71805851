import { Webhook } from 'standardwebhooks';
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
  /** Events not on the bus whose change's delivery is in the DLQ after failing on every try (a redrive sends them). */
  in_dead_letters: number;
  by_type: Record<string, number>;
}

const VIDEO_TYPES: Readonly<Record<string, EventType>> = {
  'room.started': 'Room Session Started',
  'room.ended': 'Room Session Ended',
  'member.joined': 'Member Joined',
  'member.left': 'Member Left',
  'recording.completed': 'Recording Completed',
};

/** The destination's side: every applied change's event received (signed) at least once, or in its DLQ. */
export interface DestinationTally {
  /** Requests the endpoint received (retries and duplicates included). */
  received: number;
  /** Events received at least once, with a valid Standard Webhooks signature. */
  delivered: number;
  lost: number;
  duplicates: number;
  /** Requests whose signature did not verify (or whose body was no event). */
  bad_signatures: number;
  dead_lettered: number;
  drained: boolean;
}

/**
 * Holds the bus against the store. The changes are read from what the store applied, not from what was sent: a call's
 * `states_advanced` (its Call State Changed events) and, once ended with a duration, its Call Ended; a message's
 * `statuses_advanced` and, inbound, its Message Received; a call's or message's price, its Call or Message Priced; each SWML fetch filed; each video event the room shows.
 */
export function checkEvents(
  ctx: Context,
  published: { detail: Record<string, unknown> }[],
): EventTally & { destination: DestinationTally } {
  const expected = expectedEvents(ctx);
  // A change whose delivery then failed on every try sits in the DLQ with its reason (its events may not be out):
  // `webhooks dlq redrive` publishes them, as the guarantee says. Not lost, but counted.
  const parked = deadLetteredKeys(ctx);
  const destination = checkDestination(ctx, expected, parked);
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
  let inDeadLetters = 0;
  for (const [id, what] of expected)
    if (!seen.has(id)) {
      if (parked.has(what.record)) inDeadLetters++;
      else {
        lost++;
        ctx.problem('lost', `event ${what.what} (${id}) never reached the bus`);
      }
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
    in_dead_letters: inDeadLetters,
    by_type: byType,
    destination,
  };
}

/** The records and video events whose deliveries were dead-lettered after failing on every try. */
function deadLetteredKeys(ctx: Context): Set<string> {
  const keys = new Set<string>();
  for (const [id, letters] of ctx.dead) {
    if (!letters.some((l) => l.attributes.failure_category !== 'invalid')) continue;
    const effect = ctx.deliveries.get(id)?.effect;
    if (effect === undefined) continue;
    if (effect.kind === 'call') keys.add(effect.callId);
    else if (effect.kind === 'status' || effect.kind === 'inbound') keys.add(effect.messageId);
    else if (effect.kind === 'video') keys.add(`${effect.roomSessionId} ${effect.eventKey}`);
  }
  return keys;
}

/**
 * Holds the destination's requests against the same changes: each verified as any Standard Webhooks library would
 * (`webhook-id` is the event's id), each expected event received at least once or dead-lettered with its reason.
 */
function checkDestination(ctx: Context, expected: Map<string, Expected>, parked: Set<string>): DestinationTally {
  const { received, secret, deadLetters, drained } = ctx.input.destination;
  const webhook = new Webhook(secret);
  const seen = new Map<string, number>();
  let badSignatures = 0;
  for (const request of received) {
    try {
      const id = verified(webhook, request);
      seen.set(id, (seen.get(id) ?? 0) + 1);
    } catch (error) {
      badSignatures++;
      ctx.problem('wrong_final_state', `destination request refused by its verifier: ${String(error).slice(0, 120)}`);
    }
  }
  const deadLettered = new Set(
    deadLetters.flatMap((d) => {
      try {
        return [String((JSON.parse(d.body) as { event: { id: string } }).event.id)];
      } catch {
        return [];
      }
    }),
  );
  let lost = 0;
  for (const [id, what] of expected)
    if (!seen.has(id) && !deadLettered.has(id) && !parked.has(what.record)) {
      lost++;
      ctx.problem('lost', `event ${what.what} (${id}) never reached the destination, nor its DLQ`);
    }
  if (!drained) ctx.problem('lost', 'the destinations queue did not drain before the deadline');
  return {
    received: received.length,
    delivered: [...seen.keys()].filter((id) => expected.has(id)).length,
    lost,
    duplicates: [...seen.values()].reduce((n, count) => n + count - 1, 0),
    bad_signatures: badSignatures,
    dead_lettered: deadLettered.size,
    drained,
  };
}

/**
 * The event id of a request whose Standard Webhooks signature holds (the same HMAC `Webhook.verify` checks; the
 * oracle reads the requests minutes after they came, past verify's 5-minute timestamp tolerance, so the signature is
 * recomputed at the request's own timestamp), and whose `webhook-id` is the event's id.
 */
function verified(webhook: Webhook, request: { headers: Record<string, string | string[] | undefined>; body: string }) {
  const header = (name: string) => String(request.headers[name] ?? '');
  const [id, timestamp, signatures] = [header('webhook-id'), header('webhook-timestamp'), header('webhook-signature')];
  if (!/^\d+$/.test(timestamp)) throw new Error(`webhook-timestamp ${timestamp} is not a Unix time`);
  const expected = webhook.sign(id, new Date(Number(timestamp) * 1000), request.body);
  if (!signatures.split(' ').includes(expected)) throw new Error(`webhook-signature does not match (${id})`);
  const event = JSON.parse(request.body) as { id?: unknown };
  if (event.id !== id) throw new Error(`webhook-id ${id} is not the event's id ${String(event.id)}`);
  return id;
}

/** An expected event: what it is (for the report), and the record (or video event) its change is of. */
interface Expected {
  what: string;
  record: string;
}

/** Event id -> what it is, for every change the store shows applied. */
function expectedEvents(ctx: Context): Map<string, Expected> {
  const expected = new Map<string, Expected>();
  const add = (type: EventType, ...change: string[]) =>
    expected.set(stableEventId(type, ...change), {
      what: `${type} ${change.join(' ')}`,
      // A call's or message's id; a video event's session and key; a fetch's id.
      record: type.startsWith('Call') || type.startsWith('Message') ? change[0]! : change.join(' '),
    });
  for (const [pk, item] of ctx.input.items) {
    if (pk.startsWith('CALL#')) {
      const callId = String(item.call_id);
      for (const state of setOf(item.states_advanced)) add('Call State Changed', callId, state);
      if (item.state === 'ended' && typeof item.duration_seconds === 'number') add('Call Ended', callId);
      if (typeof item.price === 'number') add('Call Priced', callId);
    } else if (pk.startsWith('MESSAGE#')) {
      const messageId = String(item.message_id);
      for (const status of setOf(item.statuses_advanced)) add('Message Status Changed', messageId, status);
      if (item.direction === 'inbound') add('Message Received', messageId);
      if (typeof item.price === 'number') add('Message Priced', messageId);
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
