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

export async function recordSwmlFetch(fetch: SwmlFetch, store: SwmlFetchStore): Promise<'recorded' | 'duplicate'> {
  return (await store.record(fetch)) ? 'recorded' : 'duplicate';
}
