import type { MessageStore } from './message-record';
import type { MessageStatusEvent } from './normalize-message-status';

export type MessageStatusOutcome = 'advanced' | 'recorded-late' | 'duplicate';

/**
 * Applies one delivery status. In order it costs one conditional write, which carries both idempotency (the set
 * of statuses seen) and rank (the store's condition is `statusSupersedes`: a late `sent` never replaces
 * `delivered`, and the first terminal status stays). A late one costs a second write that records it in the
 * timeline; a duplicate finds it already seen and changes nothing. MMS may stop at `sent`: that is not an error.
 */
export async function applyMessageStatus(
  event: MessageStatusEvent,
  store: MessageStore,
): Promise<MessageStatusOutcome> {
  if (await store.advance(event)) return 'advanced';
  return (await store.recordLate(event)) ? 'recorded-late' : 'duplicate';
}
