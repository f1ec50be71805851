import type { MessageStatus } from './message-status';
import type { PricedRecord } from '../events/priced-record';
import type { IncomingMessage } from './normalize-incoming-message';
import type { MessageStatusEvent } from './normalize-message-status';
import { buildEvent } from '../events/build-event';
import type { DomainEvent } from '../events/domain-event';

const subject = (messageId: string) => `message/${messageId}`;

/**
 * The most a Message Received may weigh serialized: EventBridge takes 256 KB per entry, less the source, the type and
 * room to spare. Only a hostile or broken payload comes near (50 media URLs of 2 KB of multi-byte characters).
 */
const MAX_EVENT_BYTES = 200 * 1024;

/** An inbound SMS/MMS: one per message, whatever the number of deliveries. */
export function messageReceived(message: IncomingMessage): DomainEvent<'Message Received'> {
  const event = received(message);
  if (Buffer.byteLength(JSON.stringify(event)) <= MAX_EVENT_BYTES) return event;
  // Too big for the bus: drop media URLs from the end, then cut the text, and say so.
  const cut = { ...message, mediaUrls: [...message.mediaUrls] };
  let fitted = event;
  while (Buffer.byteLength(JSON.stringify(fitted)) > MAX_EVENT_BYTES) {
    if (cut.mediaUrls.length > 0) cut.mediaUrls.pop();
    else cut.body = cut.body.slice(0, Math.floor(cut.body.length / 2));
    fitted = received(cut, true);
  }
  return fitted;
}

function received(message: IncomingMessage, truncated?: true): DomainEvent<'Message Received'> {
  return buildEvent(
    'Message Received',
    { occurredAt: message.occurredAt, subject: subject(message.messageId), change: [message.messageId] },
    {
      message_id: message.messageId,
      from: message.from,
      to: message.to,
      body: message.body,
      media_urls: message.mediaUrls,
      segments: message.segments,
      truncated,
    },
  );
}

/** The message moved forward to `status`: one per message and status. */
export function messageStatusChanged(event: MessageStatusEvent, status: MessageStatus = event.status): DomainEvent {
  return buildEvent(
    'Message Status Changed',
    { occurredAt: event.occurredAt, subject: subject(event.messageId), change: [event.messageId, status] },
    {
      message_id: event.messageId,
      status,
      from: event.from,
      to: event.to,
      error_code: event.errorCode,
      error_message: event.errorMessage,
    },
  );
}

/** SignalWire priced the message (its REST API said so, at `reportedAt`): one per message. */
export function messagePriced(messageId: string, priced: PricedRecord, reportedAt: number): DomainEvent {
  return buildEvent(
    'Message Priced',
    { occurredAt: reportedAt, subject: subject(messageId), change: [messageId] },
    {
      message_id: messageId,
      price: priced.price,
      price_unit: priced.priceUnit,
      from: priced.from,
      to: priced.to,
      direction: priced.direction,
    },
  );
}
