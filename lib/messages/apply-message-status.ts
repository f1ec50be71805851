import { type ChangeEvents, NO_EVENTS, readAppliedByThis } from '../events/change-events';
import { messageStatusChanged } from './message-events';
import type { MessageStore } from './message-record';
import type { MessageStatusEvent } from './normalize-message-status';

export type MessageStatusOutcome = 'advanced' | 'recorded-late' | 'duplicate';

/**
 * Applies one delivery status. In order it costs one conditional write, which carries both idempotency (the set
 * of statuses seen) and rank (the store's condition is `statusSupersedes`: a late `sent` never replaces
 * `delivered`, and the first terminal status stays). A late one costs a second write that records it in the
 * timeline; a duplicate finds it already seen and changes nothing. MMS may stop at `sent`: that is not an error.
 * A status the message moved forward to is a `Message Status Changed`; a later attempt of the delivery that applied
 * it reports it again (one read), with the same id (lib/events/change-events.ts).
 */
export async function applyMessageStatus(
  event: MessageStatusEvent,
  store: MessageStore,
  events: ChangeEvents = NO_EVENTS,
): Promise<MessageStatusOutcome> {
  if (await store.advance(event, events.delivery || undefined)) {
    events.emit(messageStatusChanged(event));
    return 'advanced';
  }
  if (await store.recordLate(event)) return 'recorded-late';
  if (await readAppliedByThis(events, async () => (await store.appliedBy(event.messageId)).statuses[event.status]))
    events.emit(messageStatusChanged(event));
  return 'duplicate';
}
