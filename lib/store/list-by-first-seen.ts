import type { StatsKind } from '../stats/stats-kind';
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
}

/** Records of a kind first seen at or after `since`, newest first, up to `limit`: pages of the stats index only. */
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
  return items.map(recordOf);
}

function recordOf(item: Record<string, unknown>): FirstSeenRecord {
  const pk = String(item.pk);
  const record: FirstSeenRecord = { id: pk.slice(pk.indexOf('#') + 1), first_seen_at: String(item.gsi1sk) };
  for (const name of ['state', 'status', 'direction', 'ended_at'] as const)
    if (typeof item[name] === 'string') record[name] = item[name] as string;
  if (typeof item.duration_seconds === 'number') record.duration_seconds = item.duration_seconds;
  return record;
}
