import { randomUUID } from 'node:crypto';
import type { WebhookEnvelope } from '../envelope/envelope';
import { parseBody } from '../http/request-body';
import { isWebhookKind } from '../envelope/routes';
import type { ArchiveEntry } from './archive-entry';
import type { ArchiveStore } from './archive-store';
import { sqsSafeJson } from '../queue/sqs-characters';

/** Where replays go: the webhook queue, ten messages per request. */
export interface ReplayQueue {
  sendBatch(messageBodies: string[]): Promise<void>;
}

export interface ReplayedDelivery {
  event_id: string;
  replayed_as: string;
  kind: string;
  natural_key?: string;
  received_at: string;
}

export interface RangeFilter {
  since: string;
  until?: string;
  kind?: string;
}

/**
 * The archived delivery as a new envelope for the queue: a fresh event id, `replay_of` the original delivery, the
 * original receive time (so timelines read the same) and the payload parsed again from the archived bytes exactly
 * as the ingest parsed it. The worker's idempotency then decides: a replay of an applied event changes nothing.
 */
export function replayEnvelope(entry: ArchiveEntry, newEventId: string = randomUUID()): WebhookEnvelope {
  if (!isWebhookKind(entry.kind))
    throw new Error(`archived delivery ${entry.event_id} has an unknown kind ${entry.kind}`);
  return {
    version: 1,
    event_id: newEventId,
    kind: entry.kind,
    route: entry.route,
    ...(entry.path_params !== undefined && { path_params: entry.path_params }),
    received_at: entry.received_at,
    content_type: entry.content_type,
    body: entry.body,
    payload: payloadOf(entry),
    headers: entry.headers,
    ...(entry.source_ip !== undefined && { source_ip: entry.source_ip }),
    replay_of: entry.replay_of ?? entry.event_id,
    ...(entry.source !== undefined && { source: entry.source }),
  };
}

// A GET /swml fetch keeps its query string as a form body, first value of a repeated name winning (swml-request.ts).
function payloadOf(entry: ArchiveEntry): Record<string, unknown> {
  if (entry.route.startsWith('GET ')) {
    const fields: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(entry.body)) if (!Object.hasOwn(fields, name)) fields[name] = value;
    return fields;
  }
  const mediaType = entry.content_type === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  return parseBody(Buffer.from(entry.body, 'utf8'), mediaType).payload;
}

export async function replayOne(
  store: ArchiveStore,
  queue: ReplayQueue,
  eventId: string,
): Promise<ReplayedDelivery | undefined> {
  const entry = await store.get(eventId);
  if (entry === undefined) return undefined;
  const [replayed] = await queueEntries(queue, [entry]);
  return replayed;
}

/**
 * Every archived delivery received in the range (and of the kind), oldest verdict first. Replays filed in the range
 * are left out: they are copies of deliveries the range holds or held. The index is ordered by verdict time, which
 * is never before the receive time, so the query starts at `since` and filters on `received_at`.
 */
export async function selectRange(store: ArchiveStore, filter: RangeFilter): Promise<string[]> {
  const summaries = await store.listProcessed(new Date(Date.parse(filter.since) - 1).toISOString());
  const until = filter.until ?? '\uffff';
  return summaries
    .filter((s) => s.received_at >= filter.since && s.received_at <= until && s.replay_of === undefined)
    .filter((s) => filter.kind === undefined || s.kind === filter.kind || s.kind.startsWith(`${filter.kind}.`))
    .map((s) => s.event_id);
}

/** Queues the given archived deliveries ten at a time, reporting progress after each batch. */
export async function replayMany(
  store: ArchiveStore,
  queue: ReplayQueue,
  eventIds: string[],
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<ReplayedDelivery[]> {
  const replayed: ReplayedDelivery[] = [];
  for (let i = 0; i < eventIds.length; i += 10) {
    const entries = await Promise.all(eventIds.slice(i, i + 10).map((id) => store.get(id)));
    replayed.push(
      ...(await queueEntries(
        queue,
        entries.filter((e): e is ArchiveEntry => e !== undefined),
      )),
    );
    onProgress(Math.min(i + 10, eventIds.length), eventIds.length);
  }
  return replayed;
}

async function queueEntries(queue: ReplayQueue, entries: ArchiveEntry[]): Promise<ReplayedDelivery[]> {
  const envelopes = entries.map((entry) => replayEnvelope(entry));
  // Escaped as the ingest escapes what it queues: SQS refuses some characters JSON leaves raw.
  if (envelopes.length > 0) await queue.sendBatch(envelopes.map((envelope) => sqsSafeJson(JSON.stringify(envelope))));
  return envelopes.map((envelope, i) => ({
    event_id: entries[i]!.event_id,
    replayed_as: envelope.event_id,
    kind: envelope.kind,
    ...(entries[i]!.natural_key !== undefined && { natural_key: entries[i]!.natural_key }),
    received_at: envelope.received_at,
  }));
}
