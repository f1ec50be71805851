import { normalizeCallStatus } from '../calls/normalize-call-status';
import type { WebhookEnvelope } from '../envelope/envelope';
import { normalizeIncomingMessage } from '../messages/normalize-incoming-message';
import { normalizeMessageStatus } from '../messages/normalize-message-status';
import { normalizeVideoEvent } from '../video/normalize-video-event';

/**
 * The key idempotency is decided on, as the use cases derive it: a call's state, a message's status, a room
 * event's key, a fetch's event id. Pure; undefined when the payload does not normalize (it was dead-lettered).
 */
export function naturalKeyOf(envelope: WebhookEnvelope): string | undefined {
  try {
    switch (envelope.kind) {
      case 'call.status': {
        const event = normalizeCallStatus(envelope.payload, envelope.received_at);
        return `call:${event.callId}:${event.state}`;
      }
      case 'message.incoming':
        return `message:${normalizeIncomingMessage(envelope.payload, envelope.received_at).messageId}`;
      case 'message.status': {
        const event = normalizeMessageStatus(envelope.payload, envelope.received_at);
        return `message:${event.messageId}:${event.status}`;
      }
      case 'video.event': {
        const event = normalizeVideoEvent(envelope.payload, envelope.received_at, envelope.path_params?.event);
        return `room:${event.roomSessionId}:${event.eventKey}`;
      }
      case 'swml.fetch':
        return `swml:${envelope.replay_of ?? envelope.event_id}`;
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}
