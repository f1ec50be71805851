import type { TableRef } from './table';
import { allShardPartitions, queryShards, shardedPartition } from './shards';

/**
 * The open index (`gsi3`, sparse): every call and message SignalWire may still have news about, under
 * `OPEN#<kind>#<shard>`, sorted by the time of its last change (`open_sk`, ISO 8601). The reconciler reads the
 * records whose last change is older than its window, one Query per shard, never a scan. A record enters with the
 * write that creates or advances it (the same UpdateItem: no extra request) and leaves when it is closed: final
 * state and price known, or marked `reconcile: unknown` (lib/store/reconcile-store.ts removes both attributes).
 */
const OPEN_INDEX = 'gsi3';
const OPEN_SHARDS = 10;

export type OpenKind = 'call' | 'message';

function openPartition(kind: OpenKind, id: string): string {
  return shardedPartition(`OPEN#${kind}`, id, OPEN_SHARDS);
}

/** The index attributes as `set` fields of an UpdateSpec: filed under the record's shard, at `changedAt`. */
export function openIndexFields(kind: OpenKind, id: string, changedAt: string): { open_pk: string; open_sk: string } {
  return { open_pk: openPartition(kind, id), open_sk: changedAt };
}

/** Open records of a kind last changed at or before `changedBefore` (and first seen at or after `firstSeenSince`), oldest change first. */
export async function queryOpenRecords(
  table: TableRef,
  kind: OpenKind,
  range: { changedBefore: string; firstSeenSince?: string },
  limit: number,
): Promise<Record<string, unknown>[]> {
  return queryShards(
    table,
    allShardPartitions(`OPEN#${kind}`, OPEN_SHARDS),
    'open_sk',
    (partition) => ({
      IndexName: OPEN_INDEX,
      KeyConditionExpression: 'open_pk = :p AND open_sk <= :before',
      ...(range.firstSeenSince !== undefined && { FilterExpression: 'first_seen_at >= :since' }),
      ExpressionAttributeValues: {
        ':p': partition,
        ':before': range.changedBefore,
        ...(range.firstSeenSince !== undefined && { ':since': range.firstSeenSince }),
      },
    }),
    limit,
  );
}
