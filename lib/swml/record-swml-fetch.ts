import { type ChangeEvents, NO_EVENTS } from '../events/change-events';
import { swmlFetched } from './swml-events';
import type { SwmlFetch, SwmlFetchStore } from '../store/swml-fetch-store';
import { swmlCallContextFrom } from './call-context';

/**
 * The fetch was answered synchronously (functions/swml.ts); the worker only files it. Total: a fetch with no
 * usable fields is still one fetch, so nothing here can send it to the DLQ.
 */
export function swmlFetchFrom(
  payload: Record<string, unknown>,
  meta: { eventId: string; route: string; receivedAt: string },
): SwmlFetch {
  const context = swmlCallContextFrom(payload);
  return {
    ...meta,
    ...(context.callId !== undefined && { callId: context.callId }),
    ...(context.from !== undefined && { from: context.from }),
    ...(context.to !== undefined && { to: context.to }),
    ...(context.direction !== undefined && { direction: context.direction }),
  };
}

/** Files the fetch once; its `SWML Fetched` is reported when filed, and again (same id) by the same delivery. */
export async function recordSwmlFetch(
  fetch: SwmlFetch,
  store: SwmlFetchStore,
  events: ChangeEvents = NO_EVENTS,
): Promise<'recorded' | 'duplicate'> {
  const recorded = await store.record(fetch);
  // Filed under the delivery's own identity (its event id, a replay's original): a duplicate is always this
  // delivery again (SQS's redelivery, the SDK's retry, a replay), whose first attempt may not have published.
  if (recorded || events.delivery === fetch.eventId) events.emit(swmlFetched(fetch));
  return recorded ? 'recorded' : 'duplicate';
}
