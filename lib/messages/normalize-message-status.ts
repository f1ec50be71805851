import { PermanentError } from '../errors';
import { occurredAtFrom } from '../signalwire/occurred-at';
import {
  hasField,
  quoteForReason,
  readOptionalErrorCode,
  readOptionalNonBlank,
  readRequiredString,
  type Payload,
  type PayloadShape,
} from '../signalwire/payload-fields';
import { canonicalMessageStatus, type MessageStatus } from './message-status';

/** One status report for a message, whichever of the three shapes it arrived in. */
export interface MessageStatusEvent {
  messageId: string;
  /** Canonical status, see message-status.ts. */
  status: MessageStatus;
  /** The word SignalWire sent, e.g. `sending` for canonical `initiated`. */
  rawStatus: string;
  errorCode?: string;
  errorMessage?: string;
  from?: string;
  to?: string;
  /** Epoch milliseconds. */
  occurredAt: number;
  shape: PayloadShape;
}

const CONTEXT = 'message status';
const MAX_STATUS_LENGTH = 64;
const MAX_ERROR_MESSAGE_LENGTH = 1024;

/**
 * flat:  {message_id, status, error_code, timestamp}
 * RELAY: {id, project_id, status, to, from, body, number_of_segments, timestamp, error_code, error_message}
 * cXML:  MessageSid, MessageStatus (older senders: SmsStatus), From, To, ErrorCode
 */
export function normalizeMessageStatus(payload: Payload, receivedAt: string): MessageStatusEvent {
  if (hasField(payload, 'MessageSid')) {
    const statusKey = hasField(payload, 'MessageStatus') ? 'MessageStatus' : 'SmsStatus';
    return build(payload, receivedAt, 'cxml', {
      id: 'MessageSid',
      status: statusKey,
      errorCode: 'ErrorCode',
      errorMessage: 'ErrorMessage',
      from: 'From',
      to: 'To',
      timestamp: 'Timestamp',
    });
  }
  const shape: PayloadShape | undefined = hasField(payload, 'message_id')
    ? 'flat'
    : hasField(payload, 'id')
      ? 'relay'
      : undefined;
  if (shape === undefined) throw new PermanentError(`${CONTEXT}: missing message id`);
  return build(payload, receivedAt, shape, {
    id: shape === 'flat' ? 'message_id' : 'id',
    status: 'status',
    errorCode: 'error_code',
    errorMessage: 'error_message',
    from: 'from',
    to: 'to',
    timestamp: 'timestamp',
  });
}

type FieldNames = Record<'id' | 'status' | 'errorCode' | 'errorMessage' | 'from' | 'to' | 'timestamp', string>;

function build(payload: Payload, receivedAt: string, shape: PayloadShape, field: FieldNames): MessageStatusEvent {
  const messageId = readRequiredString(payload, field.id, CONTEXT, 'message id');
  const rawStatus = readRequiredString(payload, field.status, CONTEXT, 'status', MAX_STATUS_LENGTH);
  const status = canonicalMessageStatus(rawStatus);
  if (status === undefined) throw new PermanentError(`${CONTEXT}: unknown status ${quoteForReason(rawStatus)}`);
  const event: MessageStatusEvent = {
    messageId,
    status,
    rawStatus,
    occurredAt: occurredAtFrom(payload[field.timestamp], receivedAt, CONTEXT),
    shape,
  };
  const errorCode = readOptionalErrorCode(payload, field.errorCode, CONTEXT);
  const errorMessage = readOptionalNonBlank(
    payload,
    field.errorMessage,
    CONTEXT,
    'error message',
    MAX_ERROR_MESSAGE_LENGTH,
  );
  const from = readOptionalNonBlank(payload, field.from, CONTEXT, 'from');
  const to = readOptionalNonBlank(payload, field.to, CONTEXT, 'to');
  if (errorCode !== undefined) event.errorCode = errorCode;
  if (errorMessage !== undefined) event.errorMessage = errorMessage;
  if (from !== undefined) event.from = from;
  if (to !== undefined) event.to = to;
  return event;
}
