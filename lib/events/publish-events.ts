import { DependencyError } from '../errors';
import type { DomainEvent } from './domain-event';

/** The stage's event bus (lib/aws/eventbridge.ts): resolves once every event is on it, rejects otherwise. */
export type PutOnBus = (events: DomainEvent[]) => Promise<void>;

/** The destinations' queue: one job per event and destination that wants its type; resolves once SQS holds them. */
export type QueueForDestinations = (events: DomainEvent[]) => Promise<void>;

/** Publishes a delivery's events everywhere they go; any failure rejects, so the delivery comes back and retries. */
export type PublishEvents = (events: DomainEvent[]) => Promise<void>;

/**
 * The bus and the destinations at once. Each is at least once and keyed by the events' stable ids, so a retry
 * after one of them failed publishes again what the other already had: a duplicate with the same id, never a loss.
 */
export function createEventPublisher(targets: { bus?: PutOnBus; destinations?: QueueForDestinations }): PublishEvents {
  const { bus, destinations } = targets;
  return async (events) => {
    if (events.length === 0) return;
    const results = await Promise.allSettled([bus?.(events), destinations?.(events)]);
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failed.length > 0) {
      const what = results.map((r, i) => (r.status === 'rejected' ? ['bus', 'destinations'][i] : '')).filter(Boolean);
      throw new DependencyError(`could not publish ${events.length} event(s) to the ${what.join(' and ')}`, {
        cause: failed[0],
      });
    }
  };
}
