import { createHash } from 'node:crypto';
import { queryAll, type QueryInput } from './query-all';
import type { TableRef } from './table';

/**
 * Write sharding for an index partition that every event of a kind would otherwise share. An index partition takes at
 * most 1,000 writes/s, and with a sort key that grows with time DynamoDB cannot split a hot one; spread over `shards`
 * partitions by a hash of a stable key (the item's own id), the index takes `shards` times that. The partition of
 * `key` is `<prefix>#<shard>`.
 */
export function shardedPartition(prefix: string, key: string, shards: number): string {
  return `${prefix}#${createHash('md5').update(key).digest().readUInt32BE(0) % shards}`;
}

/** Every partition of `prefix`, one per shard (`<prefix>#0` to `<prefix>#<shards - 1>`): what a reader queries and merges. */
export function allShardPartitions(prefix: string, shards: number): string[] {
  return Array.from({ length: shards }, (_, shard) => `${prefix}#${shard}`);
}

/**
 * The items of every shard of a Query, merged in sort-key order (oldest first, or newest first with
 * `ScanIndexForward: false`), up to `limit`: each shard is read up to the limit, so the merged first `limit` are
 * among them. `input(partition)` is the Query of one shard.
 */
export async function queryShards(
  table: TableRef,
  partitions: readonly string[],
  sortKey: string,
  input: (partition: string) => QueryInput,
  limit = Number.POSITIVE_INFINITY,
): Promise<Record<string, unknown>[]> {
  const inputs = partitions.map(input);
  const shards = await Promise.all(inputs.map((shardInput) => queryAll(table, shardInput, limit)));
  const descending = inputs[0]?.ScanIndexForward === false;
  const items = shards.flat().sort((a, b) => compare(String(a[sortKey]), String(b[sortKey])) * (descending ? -1 : 1));
  return Number.isFinite(limit) ? items.slice(0, limit) : items;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
