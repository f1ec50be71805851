import type { StatsKind } from '../stats/stats-kind';
import { allShardPartitions, shardedPartition } from './shards';

/**
 * The stats index (`gsi1`): every call, message, room and SWML fetch under `STATS#<kind>#<shard>`, sorted by the time
 * it was first seen (ISO 8601), so `webhooks stats` reads one kind in a time window with one Query per shard.
 * The two attributes are set with if_not_exists in the same UpdateItem that writes the record: no extra request.
 * Items without them (config, failures) stay out of the index.
 *
 * Every state change of a call (or status of a message) rewrites its index entry, since `state` is projected: with
 * one partition per kind, calls alone could not pass about 1,000 events/s before the index throttled the table's
 * writes. Shards by a hash of the record's id (lib/store/shards.ts) lift that tenfold; readers merge them.
 */
export const STATS_INDEX = 'gsi1';
export const STATS_SHARDS = 10;

/** The index partition of one record: its kind and the shard of its id (the call, message, room session or fetch). */
export function statsPartition(kind: StatsKind, id: string): string {
  return shardedPartition(`STATS#${kind}`, id, STATS_SHARDS);
}

/** Every index partition of a kind, one per shard. */
export function statsKindPartitions(kind: StatsKind): string[] {
  return allShardPartitions(`STATS#${kind}`, STATS_SHARDS);
}

/**
 * SET clauses for an UpdateExpression; the caller binds `:now` (its first_seen_at) and `:gsi1pk`
 * (see statsIndexValues). if_not_exists: the first write files the item, later ones never move it.
 */
export const STATS_INDEX_SET: readonly string[] = [
  'gsi1pk = if_not_exists(gsi1pk, :gsi1pk)',
  'gsi1sk = if_not_exists(gsi1sk, :now)',
];

export function statsIndexValues(kind: StatsKind, id: string): { ':gsi1pk': string } {
  return { ':gsi1pk': statsPartition(kind, id) };
}

/** The index attributes as `setIfAbsent` fields (lib/store/update-expression.ts): filed once, at `firstSeenAt`. */
export function statsIndexFields(kind: StatsKind, id: string, firstSeenAt: string): { gsi1pk: string; gsi1sk: string } {
  return { gsi1pk: statsPartition(kind, id), gsi1sk: firstSeenAt };
}
