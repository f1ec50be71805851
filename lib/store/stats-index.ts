import type { StatsKind } from '../stats/stats-kind';

/**
 * The table's one global secondary index: every call, message, room and SWML fetch under `STATS#<kind>`, sorted by
 * the time it was first seen (ISO 8601), so `webhooks stats` reads one kind in a time window with one Query.
 * The two attributes are set with if_not_exists in the same UpdateItem that writes the record: no extra request.
 * Items without them (config, failures) stay out of the index.
 */
export const STATS_INDEX = 'gsi1';

export function statsPartition(kind: StatsKind): string {
  return `STATS#${kind}`;
}

/**
 * SET clauses for an UpdateExpression; the caller binds `:now` (its first_seen_at) and `:gsi1pk`
 * (see statsIndexValues). if_not_exists: the first write files the item, later ones never move it.
 */
export const STATS_INDEX_SET: readonly string[] = ['gsi1pk = if_not_exists(gsi1pk, :gsi1pk)', 'gsi1sk = if_not_exists(gsi1sk, :now)'];

export function statsIndexValues(kind: StatsKind): { ':gsi1pk': string } {
  return { ':gsi1pk': statsPartition(kind) };
}

/** The index attributes as `setIfAbsent` fields (lib/store/update-expression.ts): filed once, at `firstSeenAt`. */
export function statsIndexFields(kind: StatsKind, firstSeenAt: string): { gsi1pk: string; gsi1sk: string } {
  return { gsi1pk: statsPartition(kind), gsi1sk: firstSeenAt };
}
