import { isoTime } from '../time';
import { EVENT_VERSION, stableEventId, type DomainEvent, type EventType } from './domain-event';
import type { EventData } from './generated/event-data';

/**
 * One event of a change: `change` names what changed (its natural key and the state it reached), and is all the id
 * is made of (domain-event.ts: stableEventId). Fields whose value is undefined are left out of `data`.
 */
export function buildEvent<T extends EventType>(
  type: T,
  at: { occurredAt: number; subject: string; change: string[] },
  data: EventData[T],
): DomainEvent<T> {
  return {
    id: stableEventId(type, ...at.change),
    type,
    version: EVENT_VERSION,
    timestamp: isoTime(at.occurredAt),
    subject: at.subject,
    data: withoutUndefined(data),
  };
}

function withoutUndefined<T>(data: T): T {
  return Object.fromEntries(Object.entries(data as object).filter(([, value]) => value !== undefined)) as T;
}
