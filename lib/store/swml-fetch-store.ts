import { PutCommand } from './commands';
import { DependencyError } from '../errors';
import { statsPartition } from './stats-index';
import { expiresAt, isConditionFailure, type TableRef } from './table';

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

/**
 * What the worker files a fetch with (lib/swml/record-swml-fetch.ts). Declared here, with its DynamoDB implementation:
 * lib/swml depends on lib/store (compose-swml.ts), not the other way round.
 */
export interface SwmlFetchStore {
  /** Records the fetch unless its event id was recorded already; false for a redelivery. */
  record(fetch: SwmlFetch): Promise<boolean>;
}

/** One item per fetch (pk `SWML#<event_id>`, sk `FETCH`), in the stats index under `STATS#swml`. */
export function createSwmlFetchStore(table: TableRef): SwmlFetchStore {
  return {
    async record(fetch) {
      const now = new Date().toISOString();
      try {
        await table.client.send(
          new PutCommand({
            TableName: table.tableName,
            Item: {
              pk: `SWML#${fetch.eventId}`,
              sk: 'FETCH',
              event_id: fetch.eventId,
              route: fetch.route,
              received_at: fetch.receivedAt,
              call_id: fetch.callId,
              from: fetch.from,
              to: fetch.to,
              direction: fetch.direction,
              first_seen_at: now,
              gsi1pk: statsPartition('swml', fetch.eventId),
              gsi1sk: now,
              expires_at: expiresAt(table),
            },
            // Race closed: SQS redelivering the message while the first delivery is still being applied; the
            // first put files the fetch, the second would move it in the stats window and is refused.
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw new DependencyError('could not store swml fetch', { cause: error });
      }
    },
  };
}
