import { UpdateCommand } from './commands';
import { queryAll } from './query-all';
import { expiresAt, isConditionFailure, type TableRef } from './table';
import { buildUpdate } from './update-expression';

/** Where one event stands with one destination after its latest try (functions/deliver.ts). */
export type DestinationDeliveryStatus = 'delivered' | 'retrying' | 'dead-lettered';

/** The latest try's result: the receiver's HTTP status, or why there was none (no answer, no connection, we refused). */
export type LastDeliveryStatus = number | 'timeout' | 'network' | 'refused';

/**
 * One event's delivery to one destination, as operators read it (`webhooks events show`, `webhooks archive show`, the
 * console's delivery page). The deliverer overwrites it after each try; the DLQ stays the record of what failed.
 */
export interface DestinationDeliveryState {
  /** The domain event's id (`evt_…`), the same at every destination. */
  event_id: string;
  event_type: string;
  /** A destination's name (the destinations param). */
  destination: string;
  status: DestinationDeliveryStatus;
  /** Tries so far: the job's receive count (a job replayed from the DLQ counts again from 1). */
  attempts: number;
  last_status?: LastDeliveryStatus;
  /** Why the latest try failed, in short; absent once delivered. */
  last_error?: string;
  /** When a retrying job is tried again (ISO); absent when not known (its visibility could not be set) or not retrying. */
  next_attempt_at?: string;
  updated_at: string;
}

export interface DestinationDeliveryStore {
  /** Files a try's state; a late `retrying` or `dead-lettered` never overwrites `delivered`. */
  record(state: DestinationDeliveryState): Promise<void>;
  /** Every destination's state of each event (none yet: an empty list), by event id. */
  ofEvents(eventIds: readonly string[]): Promise<Map<string, DestinationDeliveryState[]>>;
}

/** Enough of a reason to tell what went wrong; the DLQ keeps the whole of a final one. */
const MAX_ERROR_LENGTH = 200;

/** `DELIVERY#<event id>` holds one item per destination: a Query on the event finds them all. */
function destinationDeliveryKey(eventId: string, destination: string) {
  return { pk: `DELIVERY#${eventId}`, sk: `DESTINATION#${destination}` };
}

export function createDestinationDeliveryStore(table: TableRef): DestinationDeliveryStore {
  return {
    async record(state) {
      const lastError = state.last_error?.slice(0, MAX_ERROR_LENGTH);
      // Race closed: a copy of the job (SQS delivers at least once) failing after another copy delivered it; the
      // receiver has the event, so `delivered` stays. Anything else moves: a dead letter replayed retries again.
      const guarded = state.status !== 'delivered';
      const update = buildUpdate({
        set: {
          event_id: state.event_id,
          event_type: state.event_type,
          destination: state.destination,
          status: state.status,
          attempts: state.attempts,
          last_status: state.last_status,
          last_error: lastError,
          next_attempt_at: state.next_attempt_at,
          updated_at: state.updated_at,
          expires_at: expiresAt(table, Date.parse(state.updated_at)),
        },
        remove: [
          ...(state.last_status === undefined ? ['last_status'] : []),
          ...(lastError === undefined ? ['last_error'] : []),
          ...(state.next_attempt_at === undefined ? ['next_attempt_at'] : []),
        ],
        ...(guarded && {
          condition: 'attribute_not_exists(#status) OR #status <> :delivered',
          conditionValues: { ':delivered': 'delivered' },
        }),
      });
      try {
        await table.client.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: destinationDeliveryKey(state.event_id, state.destination),
            ...update,
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },

    async ofEvents(eventIds) {
      const unique = [...new Set(eventIds)];
      const found = await Promise.all(
        unique.map((eventId) =>
          queryAll(table, {
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
            ExpressionAttributeValues: { ':pk': `DELIVERY#${eventId}`, ':sk': 'DESTINATION#' },
          }),
        ),
      );
      return new Map(unique.map((eventId, i) => [eventId, found[i]!.map(stateOf)]));
    },
  };
}

function stateOf(item: Record<string, unknown>): DestinationDeliveryState {
  const { pk: _pk, sk: _sk, expires_at: _e, ...state } = item;
  return state as unknown as DestinationDeliveryState;
}
