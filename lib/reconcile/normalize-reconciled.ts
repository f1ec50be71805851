import { fromCxmlCallStatus, isCallState, type CallState } from '../calls/call-state';
import type { CallStatusEvent } from '../calls/normalize-call-status';
import { PermanentError } from '../errors';
import { canonicalMessageStatus, isTerminal, type MessageStatus } from '../messages/message-status';
import type { MessageStatusEvent } from '../messages/normalize-message-status';
import { parseTimestamp } from '../signalwire/occurred-at';
import { quoteForReason } from '../signalwire/payload-fields';
import type { ReconcilePayload } from './reconcile-payload';

/** What SignalWire charged, as a positive amount (the Compatibility API reports a charge as a negative price). */
export interface Cost {
  price: number;
  priceUnit: string;
}

/** A call as SignalWire's REST API reports it, as the call use case reads a delivery. */
export interface ReconciledCall {
  event: CallStatusEvent;
  cost?: Cost;
  /** Nothing more will change: the call ended and is priced, or ended without being answered (nothing to bill). */
  settled: boolean;
}

export interface ReconciledMessage {
  event: MessageStatusEvent;
  direction?: 'inbound' | 'outbound';
  cost?: Cost;
  /** Final status (or `sent`, where SMS may stop for good) and priced, or failed (nothing to bill). */
  settled: boolean;
}

type StatePayload = Extract<ReconcilePayload, { reconcile: 'state' }>;

/**
 * A call resource, with SignalWire's own timestamps:
 * - Compatibility `Calls/{sid}.json`: `status` (cXML words), RFC 2822 `start_time`/`end_time`/`date_updated`,
 *   `duration` in seconds once ended, `price` (negative) and `price_unit` once priced;
 * - voice logs `/api/voice/logs/{id}`: `status`, ISO `created_at`, `duration` and `duration_ms`, `charge` in dollars.
 *   A voice log has no end time: the end is taken as `created_at + duration_ms`.
 */
export function reconciledCall(payload: StatePayload, receivedAt: string): ReconciledCall {
  const r = payload.resource;
  const rawStatus = typeof r.status === 'string' ? r.status : '';
  const status = fromCxmlCallStatus(rawStatus) ?? relayState(rawStatus);
  if (status === undefined) throw new PermanentError(`reconcile: unknown call status ${quoteForReason(r.status)}`);
  const fallback = Date.parse(receivedAt);
  const duration = wholeNumber(r.duration);
  const ended = status.state === 'ended';
  let endedAt: number | undefined;
  let knownTimes: Partial<Record<CallState, number>> = {};
  let occurredAt: number;
  if (payload.api === 'compat') {
    const created = parseTimestamp(r.date_created);
    const started = parseTimestamp(r.start_time);
    endedAt = parseTimestamp(r.end_time);
    const updated = parseTimestamp(r.date_updated);
    occurredAt =
      (ended ? endedAt : status.state === 'answered' ? started : undefined) ?? updated ?? created ?? fallback;
    if (created !== undefined) knownTimes.created = created;
  } else {
    const created = parseTimestamp(r.created_at);
    const durationMs = wholeNumber(r.duration_ms);
    if (created !== undefined && durationMs !== undefined && ended) endedAt = created + durationMs;
    occurredAt = (ended ? endedAt : undefined) ?? created ?? fallback;
    if (created !== undefined) knownTimes.created = created;
  }
  // A completed call's talk time ends at its end: its answer is `duration` seconds before.
  if (ended && status.endReason === 'completed' && endedAt !== undefined && duration !== undefined && duration > 0)
    knownTimes.answered = endedAt - duration * 1000;
  knownTimes = Object.fromEntries(Object.entries(knownTimes).filter(([state]) => state !== status.state));
  const event: CallStatusEvent = {
    callId: payload.record_id,
    state: status.state,
    occurredAt,
    shape: payload.api === 'compat' ? 'cxml' : 'relay',
    ...(payload.api !== 'compat' && { segmentId: String(r.id ?? payload.record_id) }),
    ...(Object.keys(knownTimes).length > 0 && { knownTimes }),
    ...text(r, 'from', 'from'),
    ...text(r, 'to', 'to'),
    ...directionOf(r.direction),
    ...(status.endReason !== undefined && { endReason: status.endReason }),
    ...(ended && duration !== undefined && { durationSeconds: duration }),
  };
  const cost = costOf(payload.api === 'compat' ? r.price : r.charge, payload.api === 'compat' ? r.price_unit : 'USD');
  const notBilled = status.endReason !== undefined && status.endReason !== 'completed';
  return { event, ...(cost && { cost }), settled: ended && (cost !== undefined || notBilled) };
}

/**
 * A message resource: Compatibility `Messages/{sid}.json` (`status`, RFC 2822 `date_updated`/`date_sent`/
 * `date_created`, `price` negative, `price_unit`, `error_code`, `error_message`) or messaging logs
 * `/api/messaging/logs/{id}` (`status`, ISO `created_at`, `charge` in dollars).
 */
export function reconciledMessage(payload: StatePayload, receivedAt: string): ReconciledMessage {
  const r = payload.resource;
  const rawStatus = typeof r.status === 'string' ? r.status : '';
  const status = canonicalMessageStatus(rawStatus);
  if (status === undefined) throw new PermanentError(`reconcile: unknown message status ${quoteForReason(r.status)}`);
  const compat = payload.api === 'compat';
  const occurredAt =
    (compat
      ? (parseTimestamp(r.date_updated) ?? parseTimestamp(r.date_sent) ?? parseTimestamp(r.date_created))
      : parseTimestamp(r.created_at)) ?? Date.parse(receivedAt);
  const event: MessageStatusEvent = {
    messageId: payload.record_id,
    status,
    rawStatus,
    occurredAt,
    shape: compat ? 'cxml' : 'relay',
    ...text(r, 'from', 'from'),
    ...text(r, 'to', 'to'),
    ...text(r, 'error_code', 'errorCode'),
    ...text(r, 'error_message', 'errorMessage'),
  };
  const cost = costOf(compat ? r.price : r.charge, compat ? r.price_unit : 'USD');
  const direction = directionOf(r.direction).direction;
  return {
    event,
    ...(direction && { direction }),
    ...(cost && { cost }),
    settled: isSettledMessage(status, cost !== undefined),
  };
}

function isSettledMessage(status: MessageStatus, priced: boolean): boolean {
  if (status === 'failed' || status === 'undelivered' || status === 'received') return true;
  return (isTerminal(status) || status === 'sent') && priced;
}

const RELAY_WORDS: Readonly<Record<string, CallState>> = { initiated: 'created', 'in-progress': 'answered' };

function relayState(status: string): { state: CallState; endReason?: string } | undefined {
  const word = status.toLowerCase();
  const state = isCallState(word) ? word : RELAY_WORDS[word];
  return state === undefined ? undefined : { state };
}

function costOf(price: unknown, unit: unknown): Cost | undefined {
  const amount =
    typeof price === 'number' ? price : typeof price === 'string' && price.trim() !== '' ? Number(price) : NaN;
  if (!Number.isFinite(amount)) return undefined;
  return { price: Math.abs(amount), priceUnit: typeof unit === 'string' && unit !== '' ? unit.toUpperCase() : 'USD' };
}

function wholeNumber(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function text<K extends string>(r: Record<string, unknown>, field: string, as: K): Partial<Record<K, string>> {
  const value = r[field];
  if (typeof value === 'number') return { [as]: String(value) } as Record<K, string>;
  return typeof value === 'string' && value.trim() !== '' ? ({ [as]: value } as Record<K, string>) : {};
}

function directionOf(value: unknown): { direction?: 'inbound' | 'outbound' } {
  if (typeof value !== 'string') return {};
  if (value.startsWith('inbound')) return { direction: 'inbound' };
  if (value.startsWith('outbound')) return { direction: 'outbound' };
  return {};
}
