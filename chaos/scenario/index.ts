import { callDeliveries, type CallPlan } from './calls';
import { json, seededRandom, shuffled, type Delivery, type NewDelivery } from './delivery';
import { inboundDeliveries, statusDeliveries, type MessagePlan } from './messages';
import { recordingOf, roomDeliveries, roomSessionOf } from './rooms';

export type { Delivery } from './delivery';
export type { CallPlan } from './calls';
export type { MessagePlan } from './messages';

export interface Scenario {
  /** Every delivery in the order the sender posts it, duplicates included (a duplicate shares its `id`). */
  sends: Delivery[];
  calls: CallPlan[];
  /** Outbound messages whose receipts are sent (SignalWire's final status and price of each). */
  messages: MessagePlan[];
  /** Each room's recording: where its `recording.completed` says it is, and whether the recording server has it. */
  recordings: RecordingPlan[];
  /**
   * Deliveries SignalWire gives up on (its retries failed): never posted, never acknowledged. Only call and message
   * status callbacks, and never all of one record's: the reconciler asks about records we have (SignalWire's
   * listings, which find records we never heard of, are not exercised here).
   */
  dropped: Set<number>;
}

/** A room's recording as the recording server holds it (the harness adds it there: `name`, `size`). */
export interface RecordingPlan {
  recordingId: string;
  roomSessionId: string;
  /** Its name on the recording server, and its URL (through the recording server's fault proxy). */
  name: string;
  url: string;
  /** Bytes (0 when missing). */
  size: number;
  /** Never added to the recording server: its URL answers 404, so it can never be copied. */
  missing: boolean;
}

export interface ScenarioOptions {
  /** Deliveries to post, duplicates included. */
  total: number;
  seed: number;
  duplicateRate?: number;
  maxMembers?: number;
  /** Share of call and message status deliveries the sender gives up on (0 by default). */
  dropRate?: number;
  /** The recording server's base URL: each room's recording is at `<recordingsUrl>/recordings/<name>`. */
  recordingsUrl: string;
}

/**
 * A room's recording, the `n`th of the scenario: 1 to 6 MB, every 16th from the 7th 10 to 20 MB (a multipart upload of
 * two to four parts), every 8th from the 2nd missing (its URL answers 404). Sizes come from their own sequence, so the
 * deliveries of a seed stay the same.
 */
function recordingPlan(index: number, n: number, random: () => number, recordingsUrl: string): RecordingPlan {
  const recordingId = recordingOf(index);
  const name = `${recordingId}.mp4`;
  const missing = n % 8 === 1;
  const drawn = random();
  const size = missing ? 0 : Math.round(n % 16 === 6 ? 10e6 + drawn * 10e6 : 1e6 + drawn * 5e6);
  return {
    recordingId,
    roomSessionId: roomSessionOf(index),
    name,
    url: `${recordingsUrl}/recordings/${encodeURIComponent(name)}`,
    size,
    missing,
  };
}

// Entities drawn per kind (weights), giving roughly: calls 30%, video 35%, receipts 20%, inbound SMS 12%, SWML 4%.
const WEIGHTS = { call: 7, inbound: 9, status: 6, room: 1, swml: 4 } as const;
/** How many entities are "live" at once: deliveries of one call, message or room overlap in time, as they do. */
const WINDOW = 24;

/**
 * N mixed deliveries: calls in all three shapes, inbound SMS (keywords, HELP twice), receipts, video rooms with many
 * members and a recording each (recordingPlan), SWML fetches and a few poison deliveries. A fifth are posted twice
 * (SWML fetches excepted: a fetch is not retried once answered), and each entity's deliveries are shuffled, then
 * interleaved with other live entities.
 */
export function buildScenario(options: ScenarioOptions): Scenario {
  const random = seededRandom(options.seed);
  const duplicateRate = options.duplicateRate ?? 0.2;
  const base = Date.now() - 6 * 3600_000;
  const calls: CallPlan[] = [];
  const messages: MessagePlan[] = [];
  const recordings: RecordingPlan[] = [];
  const recordingRandom = seededRandom(options.seed ^ 0x7ec);
  const entities: NewDelivery[][] = [];
  const poison = Math.max(3, Math.round(options.total / 500));
  for (let p = 0; p < poison; p++) entities.push([poisonDelivery(p)]);
  const kinds = Object.entries(WEIGHTS).flatMap(([kind, weight]) => Array<string>(weight).fill(kind));
  let planned = poison;
  for (let index = 0; planned < options.total; index++) {
    const kind = kinds[Math.floor(random() * kinds.length)];
    let list: NewDelivery[];
    if (kind === 'call') {
      const call = callDeliveries(index, base, random);
      calls.push(call.plan);
      list = call.deliveries;
    } else if (kind === 'inbound') list = inboundDeliveries(index, base, random);
    else if (kind === 'status') {
      const message = statusDeliveries(index, base, random);
      messages.push(message.plan);
      list = message.deliveries;
    } else if (kind === 'room') {
      const recording = recordingPlan(index, recordings.length, recordingRandom, options.recordingsUrl);
      recordings.push(recording);
      list = roomDeliveries(index, base, random, options.maxMembers ?? 30, recording.url);
    } else list = [swmlFetch(index, random)];
    entities.push(list);
    planned += list.length * (1 + (kind === 'swml' ? 0 : duplicateRate));
  }
  let id = 0;
  // Its own sequence: the same seed sends the same deliveries whatever the drop rate.
  const dropRandom = seededRandom(options.seed ^ 0xd409);
  const dropRate = options.dropRate ?? 0;
  const dropped = new Set<number>();
  const queues = shuffled(entities, random).map((list) => {
    const withIds = list.map((d) => ({ ...d, id: id++ }));
    if (dropRate > 0 && (list[0]!.effect.kind === 'call' || list[0]!.effect.kind === 'status')) {
      const drops = withIds.filter(() => dropRandom() < dropRate);
      if (drops.length === withIds.length) drops.splice(Math.floor(dropRandom() * drops.length), 1);
      for (const d of drops) dropped.add(d.id);
    }
    const duplicates = withIds.filter((d) => d.effect.kind !== 'swml' && random() < duplicateRate);
    return shuffled([...withIds, ...duplicates], random);
  });
  return { sends: interleave(queues, random).slice(0, options.total), calls, messages, recordings, dropped };
}

function interleave(queues: Delivery[][], random: () => number): Delivery[] {
  const out: Delivery[] = [];
  const live: Delivery[][] = [];
  let next = 0;
  while (next < queues.length || live.length > 0) {
    while (live.length < WINDOW && next < queues.length) live.push([...queues[next++]!]);
    const i = Math.floor(random() * live.length);
    out.push(live[i]!.shift()!);
    if (live[i]!.length === 0) live.splice(i, 1);
  }
  return out;
}

function swmlFetch(index: number, random: () => number): NewDelivery {
  const callId = `chaos-swml-${index}`;
  const from = random() < 0.2 ? '+15559876543' : `+1777${String(index).padStart(7, '0')}`;
  if (random() < 0.5) {
    const query = new URLSearchParams({ From: from, To: '+15551234567', CallSid: callId, Direction: 'inbound' });
    return { method: 'GET', path: `/swml?${query}`, body: '', effect: { kind: 'swml', callId } };
  }
  const call = {
    call_id: callId,
    node_id: 'n-chaos',
    call_state: 'created',
    direction: 'inbound',
    type: 'phone',
    from,
    to: '+15551234567',
    from_number: from,
    to_number: '+15551234567',
    headers: [],
    project_id: 'p-chaos',
    space_id: 's-chaos',
  };
  return json('/swml', { call, vars: {}, envs: {}, params: {} }, { kind: 'swml', callId });
}

/** Deliveries the ingest accepts (they parse) that can never be applied: the worker must dead-letter them as invalid. */
function poisonDelivery(n: number): NewDelivery {
  const reason = `chaos poison ${n}`;
  switch (n % 3) {
    case 0:
      return json(
        '/call-status',
        { call_id: `chaos-poison-${n}`, call_state: 'exploded', note: reason },
        { kind: 'poison', reason },
      );
    case 1:
      return json('/message-status', { status: 'sent', note: reason }, { kind: 'poison', reason });
    default:
      return json(
        '/video/events',
        { event: 'member.joined', room_session_id: `chaos-poison-${n}`, note: reason },
        { kind: 'poison', reason },
      );
  }
}
