import type { WebhookEnvelope } from '../envelope/envelope';
import { redactHeaders } from '../security/redact';
import { naturalKeyOf } from './natural-key';

/** An event a delivery produced, as its archive entry names it (the whole event went to the bus and destinations). */
export interface ArchivedEvent {
  id: string;
  type: string;
  subject?: string;
}

/** What became of a delivery: the worker's verdict, as operators read it (`webhooks tail`, the console). */
export type ArchiveStatus = 'applied' | 'duplicate' | 'late' | 'retrying' | 'dead-lettered';

/** The delivery as received (the exact raw body; headers with credentials and signatures replaced). */
type ArchivedDelivery = Pick<
  WebhookEnvelope,
  | 'event_id'
  | 'route'
  | 'path_params'
  | 'received_at'
  | 'content_type'
  | 'body'
  | 'headers'
  | 'source_ip'
  | 'request_id'
  | 'replay_of'
  | 'source'
>;

/** One archived delivery: enough to show it, explain it and queue it again (`webhooks replay`). */
export interface ArchiveEntry extends ArchivedDelivery {
  kind: string;
  /** The event's natural key (`call:<id>:<state>`), the unit of idempotency; absent when the payload is invalid. */
  natural_key?: string;
  status: ArchiveStatus;
  /** The use case's own word for what it did (`advanced`, `recorded-late`, `member-counted`, …). */
  outcome: string;
  /** Why it failed, for `retrying` and `dead-lettered`. */
  reason?: string;
  attempts: number;
  /**
   * The events this delivery's changes produced (lib/events/), published before it was acknowledged; `subject` says
   * what changed (`call/<id>`; absent from entries archived before it was kept).
   */
  events?: ArchivedEvent[];
  /** When the worker wrote this verdict; the archive index is ordered by it, so `tail` sees every new verdict. */
  processed_at: string;
}

/** The use cases' outcomes, mapped onto the statuses operators filter on. */
export function statusOfOutcome(outcome: string): ArchiveStatus {
  const first = outcome.split(';')[0]!.trim();
  if (first === 'duplicate') return 'duplicate';
  if (first === 'recorded-late' || first === 'member-recorded-uncounted') return 'late';
  return 'applied';
}

export function archiveEntryOf(
  envelope: WebhookEnvelope,
  verdict: {
    status: ArchiveStatus;
    outcome: string;
    reason?: string;
    attempts: number;
    events?: ArchivedEvent[];
  },
  now: Date = new Date(),
): ArchiveEntry {
  const naturalKey = naturalKeyOf(envelope);
  return {
    event_id: envelope.event_id,
    kind: envelope.kind,
    route: envelope.route,
    ...(envelope.path_params !== undefined && { path_params: envelope.path_params }),
    received_at: envelope.received_at,
    content_type: envelope.content_type,
    body: envelope.body,
    headers: redactHeaders(envelope.headers ?? {}) as Record<string, string>,
    ...(envelope.source_ip !== undefined && { source_ip: envelope.source_ip }),
    ...(envelope.request_id !== undefined && { request_id: envelope.request_id }),
    ...(envelope.replay_of !== undefined && { replay_of: envelope.replay_of }),
    // `reconcile`: what the reconciler learned from SignalWire's REST API, not a delivery; `tail` and the console mark it.
    ...(envelope.source !== undefined && { source: envelope.source }),
    ...(naturalKey !== undefined && { natural_key: naturalKey }),
    status: verdict.status,
    outcome: verdict.outcome,
    ...(verdict.reason !== undefined && { reason: verdict.reason }),
    attempts: verdict.attempts,
    ...(verdict.events !== undefined && { events: verdict.events }),
    processed_at: now.toISOString(),
  };
}
