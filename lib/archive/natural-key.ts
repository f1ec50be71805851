import { normalizeCallStatus } from '../calls/normalize-call-status';
import type { WebhookEnvelope } from '../envelope/envelope';
import { normalizeIncomingMessage } from '../messages/normalize-incoming-message';
import { normalizeMessageStatus } from '../messages/normalize-message-status';
import { reconciledCall, reconciledMessage } from '../reconcile/normalize-reconciled';
import { isReconcilePayload } from '../reconcile/reconcile-payload';
import { normalizeVideoEvent } from '../video/normalize-video-event';

/**
 * The key idempotency is decided on, as the use cases derive it: a call's state, a message's status, a room
 * event's key, a fetch's event id. Pure; undefined when the payload does not normalize (it was dead-lettered).
 */
export function naturalKeyOf(envelope: WebhookEnvelope): string | undefined {
  try {
    if (envelope.source === 'reconcile') return reconciledKeyOf(envelope);
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

/** A reconciler's report: the state it reports (`call:<id>:ended`), or `…:unknown` when SignalWire did not know it. */
function reconciledKeyOf(envelope: WebhookEnvelope): string | undefined {
  const payload = envelope.payload;
  if (!isReconcilePayload(payload)) return undefined;
  const prefix = envelope.kind === 'call.status' ? 'call' : 'message';
  if (payload.reconcile === 'unknown') return `${prefix}:${payload.record_id}:unknown`;
  return prefix === 'call'
    ? `call:${payload.record_id}:${reconciledCall(payload, envelope.received_at).event.state}`
    : `message:${payload.record_id}:${reconciledMessage(payload, envelope.received_at).event.status}`;
}
