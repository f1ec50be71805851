import type { StatsRecord, StatsWindow } from '../stats/summarize-stats';
import { STATS_KINDS, type StatsKind } from '../stats/stats-kind';
import { addPrices } from './record-prices';
import { queryShards } from './shards';
import { STATS_INDEX, statsKindPartitions } from './stats-index';
import type { TableRef } from './table';

/** Every record of each kind first seen in the window: one paginated Query of the stats index per kind and shard. */
export async function queryStatsRecords(
  table: TableRef,
  window: StatsWindow,
): Promise<Record<StatsKind, StatsRecord[]>> {
  // An empty window (since after until): DynamoDB refuses such a BETWEEN, and there is nothing in it anyway.
  if (window.since > window.until) return { call: [], message: [], room: [], swml: [] };
  const entries = await Promise.all(
    STATS_KINDS.map(async (kind) => [kind, await queryKind(table, kind, window)] as const),
  );
  return Object.fromEntries(entries) as Record<StatsKind, StatsRecord[]>;
}

async function queryKind(table: TableRef, kind: StatsKind, window: StatsWindow): Promise<StatsRecord[]> {
  const items = await queryShards(table, statsKindPartitions(kind), 'gsi1sk', (partition) => ({
    IndexName: STATS_INDEX,
    KeyConditionExpression: 'gsi1pk = :kind AND gsi1sk BETWEEN :since AND :until',
    ProjectionExpression: 'pk, gsi1sk, #state, #status, duration_seconds, #direction, ended_at',
    ExpressionAttributeNames: { '#state': 'state', '#status': 'status', '#direction': 'direction' },
    ExpressionAttributeValues: { ':kind': partition, ':since': window.since, ':until': window.until },
  }));
  // What SignalWire charged is on the base items only (lib/store/record-prices.ts says why).
  if (kind === 'call' || kind === 'message') await addPrices(table, items);
  return items.map(({ pk: _pk, gsi1sk, ...record }) => ({ ...record, first_seen_at: gsi1sk }));
}
