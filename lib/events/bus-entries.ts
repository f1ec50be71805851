import { EVENT_SOURCE, type DomainEvent } from './domain-event';

/** One PutEvents entry, as EventBridge takes it (the SDK's PutEventsRequestEntry, without an AWS import here). */
export interface BusEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
  Time: Date;
}

/** EventBridge's limits: 10 entries per PutEvents, and 256 KB per entry and per request (sizes as AWS counts them). */
const MAX_ENTRIES_PER_REQUEST = 10;
export const MAX_ENTRY_BYTES = 256 * 1024;

/** The event as its bus entry: `detail-type` is the type, `time` SignalWire's, `detail` the event itself. */
export function busEntryOf(event: DomainEvent, busName: string): BusEntry {
  return {
    EventBusName: busName,
    Source: EVENT_SOURCE,
    DetailType: event.type,
    Detail: JSON.stringify(event),
    Time: new Date(event.timestamp),
  };
}

/**
 * An entry's size as EventBridge counts it ("Calculating PutEvents event entry size"): 14 bytes for a Time, and
 * the UTF-8 bytes of Source, DetailType and Detail (no Resources here).
 */
export function entryBytes(entry: BusEntry): number {
  return 14 + Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Detail);
}

/**
 * Entries grouped into requests EventBridge accepts: at most 10, and at most 256 KB in all. An entry over 256 KB
 * alone cannot be published at all: every event's fields are bounded far below that (schemas/events/), so one would
 * be a bug, reported rather than sent to be refused.
 */
export function requestsOf<T = BusEntry>(
  items: readonly T[],
  entryOf: (item: T) => BusEntry = (item) => item as BusEntry,
): T[][] {
  const requests: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = entryBytes(entryOf(item));
    if (size > MAX_ENTRY_BYTES) throw new RangeError(`event entry of ${size} bytes is over EventBridge's 256 KB`);
    if (current.length === MAX_ENTRIES_PER_REQUEST || bytes + size > MAX_ENTRY_BYTES) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}
