import type { ArchiveEntry } from '../../lib/archive/archive-entry';
import { createArchiveStore } from '../../lib/archive/archive-store';
import { eventsOfDelivery } from '../../lib/archive/delivery-events';
import { createDestinationDeliveryStore } from '../../lib/store/destination-delivery-store';
import { CliError } from '../output';
import type { Target } from '../target';
import { destinationRow, readableDestinationRow, type DestinationRow } from './events';

interface ArchivedDeliveryView extends Omit<ArchiveEntry, 'events'> {
  events: { id: string; type: string; subject: string | null; bus: 'published'; destinations: DestinationRow[] }[];
}

/**
 * `webhooks archive show <event_id>`: one archived delivery (`tail` and the console name them) as received and what
 * became of it, with the events its changes produced: each published on the stage's bus, and its state at every
 * destination tried so far.
 */
export async function showArchived(target: Target, eventId: string | undefined): Promise<ArchivedDeliveryView> {
  if (!eventId) throw new CliError('usage: webhooks archive show <event_id>');
  const entry = await createArchiveStore(target.table).get(eventId);
  if (entry === undefined) throw new CliError(`event ${eventId} is not in the archive`);
  const events = await eventsOfDelivery(entry, createDestinationDeliveryStore(target.table));
  return {
    ...entry,
    events: events.map((event) => ({
      id: event.id,
      type: event.type,
      subject: event.subject ?? null,
      bus: event.bus,
      destinations: event.destinations.map(destinationRow),
    })),
  };
}

export function readableArchived(delivery: ArchivedDeliveryView) {
  return {
    ...delivery,
    events: delivery.events.map((event) => ({
      ...event,
      destinations: event.destinations.map(readableDestinationRow),
    })),
  };
}
