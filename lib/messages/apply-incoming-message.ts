import { PermanentError } from '../errors';
import { type ChangeEvents, NO_EVENTS, readAppliedByThis } from '../events/change-events';
import { messageReceived } from './message-events';
import type { Notification, Notify } from '../notifications';
import { replyFor, type AutoReplyConfig } from './auto-reply';
import type { MessageStore } from './message-record';
import type { IncomingMessage } from './normalize-incoming-message';
import { sendAutoReplyOnce, type AutoReplyDeps } from './send-auto-reply';

export interface IncomingMessageDeps {
  store: MessageStore;
  autoReplies: AutoReplyConfig;
  reply: AutoReplyDeps;
  /** Forwards inbound messages to operators; absent when that is switched off (NOTIFY_INBOUND_SMS). */
  notify?: Notify;
}

/**
 * Records an inbound SMS/MMS, answers a keyword once and forwards it once. The reply and the notification do
 * not depend on whether this delivery recorded the message: a redelivery after a crash must still finish them,
 * and their own claims make them happen once. Both are attempted even when one fails; a retryable failure wins
 * over a permanent one, so a redelivery can complete the other before the event is dead-lettered.
 */
export async function applyIncomingMessage(
  message: IncomingMessage,
  deps: IncomingMessageDeps,
  events: ChangeEvents = NO_EVENTS,
): Promise<string> {
  const recorded = await deps.store.recordInbound(message, events.delivery || undefined);
  // `Message Received` once; again (same id) from a later attempt of the delivery that recorded it.
  if (
    recorded ||
    (await readAppliedByThis(events, async () => (await deps.store.appliedBy(message.messageId)).received))
  )
    events.emit(messageReceived(message));
  const reply = replyFor(message.body, deps.autoReplies);
  const results = await Promise.allSettled([
    reply === null ? 'no keyword' : sendAutoReplyOnce(message, reply, deps.reply),
    deps.notify === undefined ? 'not forwarded' : deps.notify(inboundNotification(message)),
  ]);
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (failures.length > 0) throw failures.find((error) => !(error instanceof PermanentError)) ?? failures[0];
  const outcomes = results.map((result) => (result.status === 'fulfilled' ? result.value : ''));
  return [recorded ? 'recorded' : 'duplicate', ...outcomes].join('; ');
}

function inboundNotification(message: IncomingMessage): Notification {
  const media = message.mediaUrls.length > 0 ? `\n\nMedia:\n${message.mediaUrls.join('\n')}` : '';
  return {
    eventKey: `message.inbound:${message.messageId}`,
    kind: 'message.inbound',
    subject: `SMS from ${message.from}`,
    text: `From: ${message.from}\nTo: ${message.to}\nReceived: ${new Date(message.occurredAt).toISOString()}\n\n${message.body}${media}`,
    details: {
      message_id: message.messageId,
      from: message.from,
      to: message.to,
      body: message.body,
      media: message.mediaUrls,
      received_at: new Date(message.occurredAt).toISOString(),
    },
  };
}
