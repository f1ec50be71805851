import { applyCallStatus, type CallStore } from '../calls/apply-call-status';
import { normalizeCallStatus } from '../calls/normalize-call-status';
import { PermanentError } from '../errors';
import type { ChangeEvents } from '../events/change-events';
import { applyReconciled, type SettleStore } from '../reconcile/apply-reconciled';
import type { RecordingCopies } from '../recordings/recording-job';
import type { WebhookEnvelope } from '../envelope/envelope';
import { applyIncomingMessage, type IncomingMessageDeps } from '../messages/apply-incoming-message';
import { applyMessageStatus } from '../messages/apply-message-status';
import { normalizeIncomingMessage } from '../messages/normalize-incoming-message';
import { normalizeMessageStatus } from '../messages/normalize-message-status';
import type { SwmlFetchStore } from '../store/swml-fetch-store';
import { recordSwmlFetch, swmlFetchFrom } from '../swml/record-swml-fetch';
import { applyVideoEvent, type RoomStore, type VideoNotifier } from '../video/apply-video-event';
import { normalizeVideoEvent } from '../video/normalize-video-event';

/** The stores and use cases each kind of event is applied with. */
export interface ApplyEventDeps {
  calls: CallStore;
  /** Inbound messages (record, auto-reply, forward); `messages.store` also takes delivery receipts. */
  messages: IncomingMessageDeps;
  rooms: RoomStore;
  swmlFetches: SwmlFetchStore;
  /** Room started / recording ready notifications; none sent when absent. */
  videoNotifier?: VideoNotifier;
  /** Copies of completed recordings into the stage's bucket; none when absent. */
  recordingCopies?: RecordingCopies;
  /** Prices and closes from the reconciler's reports (`source: reconcile`). */
  settleCalls: SettleStore;
  settleMessages: SettleStore;
}

/**
 * Routes one queued event to the use case of its kind; resolves to a short outcome for the log. The use case reports
 * the events of the changes it applied to `events` (lib/events/change-events.ts).
 */
export async function applyEvent(
  envelope: WebhookEnvelope,
  deps: ApplyEventDeps,
  events: ChangeEvents,
): Promise<string> {
  if (envelope.source === 'reconcile') {
    const { calls, settleCalls, settleMessages } = deps;
    return applyReconciled(envelope, { calls, messages: deps.messages.store, settleCalls, settleMessages }, events);
  }
  switch (envelope.kind) {
    case 'call.status':
      return applyCallStatus(normalizeCallStatus(envelope.payload, envelope.received_at), deps.calls, events);
    case 'message.incoming':
      return applyIncomingMessage(
        normalizeIncomingMessage(envelope.payload, envelope.received_at),
        deps.messages,
        events,
      );
    case 'message.status':
      return applyMessageStatus(
        normalizeMessageStatus(envelope.payload, envelope.received_at),
        deps.messages.store,
        events,
      );
    case 'video.event':
      return applyVideoEvent(
        normalizeVideoEvent(envelope.payload, envelope.received_at, envelope.path_params?.event),
        deps.rooms,
        deps.videoNotifier,
        deps.recordingCopies,
        events,
      );
    case 'swml.fetch':
      // A replay (`replay_of`) is the same fetch again: filed under the original's id, so it records nothing new.
      return recordSwmlFetch(
        swmlFetchFrom(envelope.payload, {
          eventId: envelope.replay_of ?? envelope.event_id,
          route: envelope.route,
          receivedAt: envelope.received_at,
        }),
        deps.swmlFetches,
        events,
      );
    default:
      throw new PermanentError(`no handler for event kind ${envelope.kind}`);
  }
}
