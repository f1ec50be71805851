import { swmlCallContextFrom } from './call-context';

/** One SWML fetch as journaled through the queue: who called whom, for analytics (`webhooks stats`). */
export interface SwmlFetch {
  eventId: string;
  route: string;
  receivedAt: string;
  callId?: string;
  from?: string;
  to?: string;
  direction?: 'inbound' | 'outbound';
}

/** The port the worker needs; lib/store/swml-fetch-store.ts implements it on DynamoDB. */
export interface SwmlFetchStore {
  /** Records the fetch unless its event id was recorded already; false for a redelivery. */
  record(fetch: SwmlFetch): Promise<boolean>;
}

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

export async function recordSwmlFetch(fetch: SwmlFetch, store: SwmlFetchStore): Promise<'recorded' | 'duplicate'> {
  return (await store.record(fetch)) ? 'recorded' : 'duplicate';
}
