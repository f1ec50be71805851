import type { StatsKind } from '../stats/stats-kind';
import { addPrices } from './record-prices';
import { queryShards } from './shards';
import { STATS_INDEX, statsKindPartitions } from './stats-index';
import type { TableRef } from './table';

/** One record as the stats index holds it: its id (from the key), first-seen time and the projected attributes. */
export interface FirstSeenRecord {
  id: string;
  first_seen_at: string;
  state?: string;
  status?: string;
  direction?: string;
  duration_seconds?: number;
  ended_at?: string;
  /** Calls and messages, once SignalWire priced them: a positive amount in `price_unit` (read from the base item). */
  price?: number;
  price_unit?: string;
}

/**
 * Records of a kind first seen at or after `since`, newest first, up to `limit`: pages of the stats index, and for
 * calls and messages that may be priced one BatchGetItem per 100 for their price.
 */
export async function listByFirstSeen(
  table: TableRef,
  kind: StatsKind,
  since: string,
  limit = 1000,
): Promise<FirstSeenRecord[]> {
  const items = await queryShards(
    table,
    statsKindPartitions(kind),
    'gsi1sk',
    (partition) => ({
      IndexName: STATS_INDEX,
      KeyConditionExpression: 'gsi1pk = :kind AND gsi1sk >= :since',
      ExpressionAttributeValues: { ':kind': partition, ':since': since },
      ScanIndexForward: false,
    }),
    limit,
  );
  // Calls and messages: what SignalWire charged, from the base items (lib/store/record-prices.ts says why).
  if (kind === 'call' || kind === 'message') await addPrices(table, items);
  return items.map(recordOf);
}

function recordOf(item: Record<string, unknown>): FirstSeenRecord {
  const pk = String(item.pk);
  const record: FirstSeenRecord = { id: pk.slice(pk.indexOf('#') + 1), first_seen_at: String(item.gsi1sk) };
  for (const name of ['state', 'status', 'direction', 'ended_at', 'price_unit'] as const)
    if (typeof item[name] === 'string') record[name] = item[name] as string;
  if (typeof item.duration_seconds === 'number') record.duration_seconds = item.duration_seconds;
  if (typeof item.price === 'number') record.price = item.price;
  return record;
}
