import { MESSAGE_STATUSES, statusRank, type MessageStatus } from './message-status';
import type { IncomingMessage } from './normalize-incoming-message';
import type { MessageStatusEvent } from './normalize-message-status';

/** One message as `webhooks messages show` prints it. */
export interface MessageRecord {
  message_id: string;
  /** Null when only status callbacks were seen (a message sent by something else with our callback URL). */
  direction: 'inbound' | 'outbound' | null;
  status: MessageStatus | null;
  from: string | null;
  to: string | null;
  body: string | null;
  media: string[];
  segments: number | null;
  /** Inbound: when SignalWire received it. */
  received_at: string | null;
  /** Every status seen, in lifecycle order, with the time it happened. */
  timeline: { status: MessageStatus; at: string }[];
  error_code: string | null;
  error_message: string | null;
  /** Outbound auto-replies: the inbound message answered. */
  in_reply_to: string | null;
  /** What SignalWire charged (a positive amount in `price_unit`); null until it has priced the message. */
  price: number | null;
  price_unit: string | null;
  /** `unknown`: SignalWire does not know the message, or it stayed open past the reconciler's give-up bound. */
  reconcile: 'unknown' | null;
  reconcile_reason: string | null;
  /** When a reconcile envelope (lib/reconcile/) last changed the record. */
  reconciled_at: string | null;
  first_seen_at: string;
  updated_at: string;
}

/** An auto-reply we sent, recorded as an outbound message so its delivery receipts attach to it. */
interface OutboundReply {
  messageId: string;
  inReplyTo: string;
  from: string;
  to: string;
  body: string;
  /** Epoch milliseconds: when the API accepted it (status `queued`). */
  queuedAt: number;
}

/**
 * The port the message use cases need; lib/store/message-store.ts implements it on DynamoDB (`MESSAGE#<id>`).
 * Each write answers whether it changed anything, so a duplicate is recognised without a read.
 */
export interface MessageStore {
  /** Records an inbound message (`by`: the delivery); false when it was recorded before (a duplicate delivery). */
  recordInbound(message: IncomingMessage, by?: string): Promise<boolean>;
  /** Records our reply as outbound `queued`, without moving back a status its receipts may already have set. */
  recordOutbound(reply: OutboundReply): Promise<void>;
  /** Moves the message to the event's status (`by`: the delivery); false when not newer or already seen. */
  advance(event: MessageStatusEvent, by?: string): Promise<boolean>;
  /** Records a status that arrived after a later one (timeline only); false when it was already seen. */
  recordLate(event: MessageStatusEvent): Promise<boolean>;
  get(messageId: string): Promise<MessageRecord | undefined>;
  /**
   * Which delivery made each change (a consistent read): the status moves (`statuses`; late ones are not there) and
   * the inbound message's record (`received`).
   */
  appliedBy(messageId: string): Promise<{ statuses: Partial<Record<MessageStatus, string>>; received?: string }>;
}

/** Statuses by rank, then time: the order a reader expects (`queued`, `initiated`, `sent`, `delivered`). */
export function timelineOf(times: Partial<Record<MessageStatus, number>>): MessageRecord['timeline'] {
  return MESSAGE_STATUSES.filter((status) => times[status] !== undefined)
    .map((status) => ({ status, ms: times[status]! }))
    .sort((a, b) => statusRank(a.status) - statusRank(b.status) || a.ms - b.ms)
    .map(({ status, ms }) => ({ status, at: new Date(ms).toISOString() }));
}
