import { PermanentError } from '../errors';
import { occurredAtFrom } from '../signalwire/occurred-at';
import {
  isRecord,
  quoteForReason,
  readOptionalNonBlank,
  readRequiredString,
  type Payload,
  type PayloadShape,
} from '../signalwire/payload-fields';
import { fromCxmlCallStatus, isCallState, type CallState } from './call-state';

/** A call status delivery, in any of SignalWire's three shapes, reduced to what the call record needs. */
export interface CallStatusEvent {
  callId: string;
  state: CallState;
  occurredAt: number;
  from?: string;
  to?: string;
  direction?: 'inbound' | 'outbound';
  endReason?: string;
  /** Only when the delivery itself states it (RELAY answer/end times, cXML CallDuration). */
  durationSeconds?: number;
  /** Times of other states the delivery states (RELAY start/answer/end times), added to the timeline. */
  knownTimes?: Partial<Record<CallState, number>>;
  /** RELAY / Call Fabric: the id SignalWire's voice logs know the call by (lib/reconcile/lookup-ref.ts). */
  segmentId?: string;
  shape: PayloadShape;
}

const CONTEXT = 'call status';

export function normalizeCallStatus(payload: Payload, receivedAt: string): CallStatusEvent {
  if (payload.event_type === 'calling.call.state' || isRecord(payload.params)) return fromRelay(payload, receivedAt);
  if ('CallSid' in payload || 'CallStatus' in payload) return fromCxml(payload, receivedAt);
  if ('call_id' in payload || 'call_state' in payload) return fromFlat(payload, receivedAt);
  throw new PermanentError('call status: unrecognized payload shape');
}

function fromFlat(p: Payload, receivedAt: string): CallStatusEvent {
  return compact({
    callId: readRequiredString(p, 'call_id', CONTEXT, 'call_id'),
    state: requireState(p.call_state),
    occurredAt: occurredAtFrom(p.timestamp, receivedAt, CONTEXT),
    from: readOptionalNonBlank(p, 'from', CONTEXT, 'from'),
    to: readOptionalNonBlank(p, 'to', CONTEXT, 'to'),
    direction: direction(p.direction),
    endReason: readOptionalNonBlank(p, 'end_reason', CONTEXT, 'end_reason'),
    shape: 'flat',
  });
}

function fromRelay(p: Payload, receivedAt: string): CallStatusEvent {
  if (p.event_type !== undefined && p.event_type !== 'calling.call.state') {
    throw new PermanentError(`call status: unexpected event_type ${quoteForReason(p.event_type)}`);
  }
  if (!isRecord(p.params)) throw new PermanentError('call status: RELAY event has no params');
  const params = p.params;
  const device = isRecord(params.device) && isRecord(params.device.params) ? params.device.params : {};
  const started = positiveNumber(params.start_time);
  const answered = positiveNumber(params.answer_time);
  const ended = positiveNumber(params.end_time);
  const knownTimes = compact({ created: started, answered, ended });
  return compact({
    callId: readRequiredString(params, 'call_id', CONTEXT, 'params.call_id'),
    state: requireState(params.call_state),
    occurredAt: occurredAtFrom(p.timestamp, receivedAt, CONTEXT),
    from: readOptionalNonBlank(device, 'from_number', CONTEXT, 'from_number'),
    to: readOptionalNonBlank(device, 'to_number', CONTEXT, 'to_number'),
    direction: direction(params.direction),
    endReason: readOptionalNonBlank(params, 'end_reason', CONTEXT, 'end_reason'),
    durationSeconds:
      answered !== undefined && ended !== undefined && ended >= answered
        ? Math.round((ended - answered) / 1000)
        : undefined,
    knownTimes: Object.keys(knownTimes).length > 0 ? knownTimes : undefined,
    segmentId: readOptionalNonBlank(params, 'segment_id', CONTEXT, 'segment_id'),
    shape: 'relay',
  });
}

function fromCxml(p: Payload, receivedAt: string): CallStatusEvent {
  const status = typeof p.CallStatus === 'string' ? fromCxmlCallStatus(p.CallStatus) : undefined;
  if (status === undefined) throw new PermanentError(`call status: unknown CallStatus ${quoteForReason(p.CallStatus)}`);
  const duration =
    typeof p.CallDuration === 'string' && p.CallDuration.trim() !== '' ? Number(p.CallDuration) : undefined;
  return compact({
    callId: readRequiredString(p, 'CallSid', CONTEXT, 'CallSid'),
    state: status.state,
    occurredAt: occurredAtFrom(p.Timestamp, receivedAt, CONTEXT),
    from: readOptionalNonBlank(p, 'From', CONTEXT, 'From'),
    to: readOptionalNonBlank(p, 'To', CONTEXT, 'To'),
    direction: direction(p.Direction),
    endReason: status.endReason,
    durationSeconds: duration !== undefined && Number.isInteger(duration) && duration >= 0 ? duration : undefined,
    shape: 'cxml',
  });
}

function requireState(value: unknown): CallState {
  const state = typeof value === 'string' ? value.toLowerCase() : '';
  if (!isCallState(state)) throw new PermanentError(`call status: unknown call_state ${quoteForReason(value)}`);
  return state;
}

function direction(value: unknown): 'inbound' | 'outbound' | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.startsWith('inbound')) return 'inbound';
  if (value.startsWith('outbound')) return 'outbound';
  return undefined;
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Drops undefined fields so records never carry empty attributes. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
