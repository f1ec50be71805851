import { randomUUID } from 'node:crypto';
import { PermanentError } from '../errors';
import { quoteForReason } from '../signalwire/payload-fields';
import { isWebhookKind, type WebhookKind } from './routes';

/**
 * The one canonical wrapper around a delivery, as it travels through SQS and sits in the DLQ.
 * `body` is the exact raw body (UTF-8), kept so a delivery can be re-verified, inspected and replayed;
 * `payload` is what it parsed to (a JSON object, or the form fields).
 */
export interface WebhookEnvelope {
  version: 1;
  event_id: string;
  kind: WebhookKind;
  route: string;
  path_params?: Record<string, string>;
  received_at: string;
  content_type: 'json' | 'form';
  body: string;
  payload: Record<string, unknown>;
  headers: Record<string, string>;
  source_ip?: string;
  request_id?: string;
  /** Set by `webhooks dlq replay`: the event id this delivery re-sends. */
  replay_of?: string;
  /** `reconcile`: not a delivery but what the reconciler learned from SignalWire's REST API (lib/reconcile/). */
  source?: 'reconcile';
}

export type EnvelopeFields = Omit<WebhookEnvelope, 'version' | 'event_id' | 'received_at'>;

export function createEnvelope(fields: EnvelopeFields, now: Date = new Date()): WebhookEnvelope {
  return { version: 1, event_id: randomUUID(), received_at: now.toISOString(), ...fields };
}

/** Parses a queued message body back into an envelope; anything else can never be processed. */
export function parseEnvelope(messageBody: string): WebhookEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(messageBody);
  } catch {
    throw new PermanentError('message body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PermanentError('message body is not an envelope object');
  }
  const envelope = value as Partial<WebhookEnvelope>;
  if (envelope.version !== 1) throw new PermanentError('unsupported envelope version');
  if (typeof envelope.event_id !== 'string' || envelope.event_id === '')
    throw new PermanentError('envelope has no event_id');
  if (!isWebhookKind(envelope.kind)) throw new PermanentError(`unknown event kind: ${quoteForReason(envelope.kind)}`);
  if (typeof envelope.payload !== 'object' || envelope.payload === null || Array.isArray(envelope.payload)) {
    throw new PermanentError('envelope has no payload object');
  }
  if (typeof envelope.received_at !== 'string') throw new PermanentError('envelope has no received_at');
  return envelope as WebhookEnvelope;
}
