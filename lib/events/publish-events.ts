import { errorMessage } from '../errors';
import type { DomainEvent } from './domain-event';

/** What a publish left undone: the ids of the events a target did not take, and why (empty: all are out). */
export interface Unpublished {
  ids: ReadonlySet<string>;
  reason?: string;
}

export const ALL_OUT: Unpublished = { ids: new Set() };

/** The stage's event bus (lib/aws/eventbridge.ts). */
export type PutOnBus = (events: DomainEvent[]) => Promise<Unpublished>;

/** The destinations' queue: one job per event and destination that wants its type. */
export type QueueForDestinations = (events: DomainEvent[]) => Promise<Unpublished>;

/** Publishes a batch's events everywhere they go; what some target did not take comes back, its delivery retried. */
export type PublishEvents = (events: DomainEvent[]) => Promise<Unpublished>;

/**
 * The bus and the destinations at once. Each is at least once and keyed by the events' stable ids: a delivery whose
 * event one target did not take comes back and publishes it again, to both (a duplicate with the same id at the one
 * that took it, never a loss). Only the deliveries of the events left undone come back, not the whole batch's.
 */
export function createEventPublisher(targets: { bus?: PutOnBus; destinations?: QueueForDestinations }): PublishEvents {
  const named = [
    ['bus', targets.bus],
    ['destinations', targets.destinations],
  ] as const;
  return async (events) => {
    if (events.length === 0) return ALL_OUT;
    const results = await Promise.all(
      named.map(async ([name, target]) => {
        if (target === undefined) return ALL_OUT;
        try {
          const left = await target(events);
          return left.ids.size === 0 ? left : { ...left, reason: `${name}: ${left.reason ?? 'not taken'}` };
        } catch (error) {
          return { ids: new Set(events.map((e) => e.id)), reason: `${name}: ${errorMessage(error).slice(0, 300)}` };
        }
      }),
    );
    const ids = new Set(results.flatMap((r) => [...r.ids]));
    if (ids.size === 0) return ALL_OUT;
    const reasons = results.flatMap((r) => (r.reason ? [r.reason] : []));
    return { ids, reason: `could not publish ${ids.size} of ${events.length} event(s): ${reasons.join('; ')}` };
  };
}
