import type { DestinationDeliveryState } from '../../lib/store/destination-delivery-store';
import { createDestinationDeliveryStore } from '../../lib/store/destination-delivery-store';
import { CliError } from '../output';
import type { Target } from '../target';

/** One destination's state of an event as the CLI prints it (`--json`): every field, null when it does not apply. */
export interface DestinationRow {
  destination: string;
  status: DestinationDeliveryState['status'];
  attempts: number;
  last_status: DestinationDeliveryState['last_status'] | null;
  next_attempt_at: string | null;
  last_error: string | null;
  updated_at: string;
}

export function destinationRow(state: DestinationDeliveryState): DestinationRow {
  return {
    destination: state.destination,
    status: state.status,
    attempts: state.attempts,
    last_status: state.last_status ?? null,
    next_attempt_at: state.next_attempt_at ?? null,
    last_error: state.last_error ?? null,
    updated_at: state.updated_at,
  };
}

/** The rows without --json: the state in words (`retrying, next attempt at …`), one column fewer to read across. */
export function readableDestinationRow(row: DestinationRow) {
  const state =
    row.status === 'retrying'
      ? `retrying, next attempt ${row.next_attempt_at === null ? 'after the queue visibility timeout' : `at ${row.next_attempt_at}`}`
      : row.status;
  return {
    destination: row.destination,
    state,
    attempts: row.attempts,
    last_status: row.last_status,
    last_error: row.last_error,
    updated_at: row.updated_at,
  };
}

export interface EventDeliveries {
  event_id: string;
  type: string;
  destinations: DestinationRow[];
}

/**
 * `webhooks events show <event_id>`: where a domain event (`evt_…`: `webhooks archive show`, `webhooks listen` and
 * the receivers' `webhook-id` name it) stands with each destination it was queued for.
 */
export async function showEvent(target: Target, eventId: string | undefined): Promise<EventDeliveries> {
  if (!eventId) throw new CliError('usage: webhooks events show <event_id>');
  const states = (await createDestinationDeliveryStore(target.table).ofEvents([eventId])).get(eventId) ?? [];
  if (states.length === 0)
    throw new CliError(
      `event ${eventId}: no delivery to a destination on record (no destination wants its type, its first try is yet to come, or its record expired)`,
    );
  return {
    event_id: eventId,
    type: states[0]!.event_type,
    destinations: [...states].sort((a, b) => a.destination.localeCompare(b.destination)).map(destinationRow),
  };
}

export function readableEvent(event: EventDeliveries) {
  return { ...event, destinations: event.destinations.map(readableDestinationRow) };
}
