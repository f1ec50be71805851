import type { DestinationDeliveryState, DestinationDeliveryStore } from '../store/destination-delivery-store';
import type { ArchiveEntry, ArchivedEvent } from './archive-entry';

/**
 * One event a delivery produced, where it went: the stage's bus (`published`: the worker files a delivery's events
 * only once the bus and the destinations' queue took them) and each destination tried so far, with its state.
 */
export interface DeliveredEvent extends ArchivedEvent {
  bus: 'published';
  /** By destination name; none yet: no destination wants its type, or its first try has not been made. */
  destinations: DestinationDeliveryState[];
}

/** The events of an archived delivery with each destination's state: one Query per event. */
export async function eventsOfDelivery(
  entry: Pick<ArchiveEntry, 'events'>,
  states: Pick<DestinationDeliveryStore, 'ofEvents'>,
): Promise<DeliveredEvent[]> {
  const events = entry.events ?? [];
  if (events.length === 0) return [];
  const byEvent = await states.ofEvents(events.map((event) => event.id));
  return events.map((event) => ({
    ...event,
    bus: 'published',
    destinations: [...(byEvent.get(event.id) ?? [])].sort((a, b) => a.destination.localeCompare(b.destination)),
  }));
}
