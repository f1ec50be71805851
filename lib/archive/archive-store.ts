import { RECONCILE_ROUTE } from '../reconcile/reconcile-payload';
import { BatchWriteCommand, GetCommand, PutCommand } from '../store/commands';
import type { QueryInput } from '../store/query-all';
import { queryShards } from '../store/shards';
import { expiresAt, isConditionFailure, type TableRef } from '../store/table';
import type { ArchiveEntry } from './archive-entry';
import {
  ARCHIVE_INDEX,
  archiveDayPartitions,
  archiveDays,
  archiveItemKey,
  archivePartition,
  archiveSortKey,
} from './archive-index';

/** What the index holds of an entry (no body, no headers): enough to list and follow. */
export type ArchiveSummary = Omit<ArchiveEntry, 'body' | 'headers' | 'content_type' | 'path_params' | 'source_ip'>;

export interface ArchiveStore {
  /** One BatchWriteItem for a worker's batch (retrying what DynamoDB left unprocessed). */
  write(entries: ArchiveEntry[]): Promise<void>;
  get(eventId: string): Promise<ArchiveEntry | undefined>;
  /** Verdicts written after `after` (exclusive, `processed_at` ISO) and up to `until`, oldest first. */
  listProcessed(after: string, options?: { until?: string; limit?: number }): Promise<ArchiveSummary[]>;
  /** The newest `limit` verdicts of today and yesterday (UTC), newest first: a feed's first screen. */
  latest(limit: number, now?: Date): Promise<ArchiveSummary[]>;
}

const MAX_WRITE_ROUNDS = 5;

export function createArchiveStore(
  table: TableRef,
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
): ArchiveStore {
  return {
    async write(entries) {
      // One verdict per event: a batch that holds the same message twice would otherwise repeat a key, which
      // BatchWriteItem refuses as a whole. The last verdict wins, as it would on a later write.
      const byEvent = new Map(entries.map((entry) => [entry.event_id, entry]));
      const redelivered = [...byEvent.values()].filter(isRedeliveredDuplicate);
      await Promise.all(redelivered.map((entry) => keepEarlierVerdict(table, entry)));
      let requests = [...byEvent.values()]
        .filter((e) => !isRedeliveredDuplicate(e))
        .map((entry) => ({ PutRequest: { Item: itemOf(entry, table) } }));
      for (let round = 0; requests.length > 0; round++) {
        if (round === MAX_WRITE_ROUNDS)
          throw new Error(`archive: ${requests.length} entries left unprocessed after ${round} rounds`);
        if (round > 0) await sleep(50 * 2 ** round);
        const { UnprocessedItems } = await table.client.send(
          new BatchWriteCommand({ RequestItems: { [table.tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[table.tableName] ?? []) as typeof requests;
      }
    },

    async get(eventId) {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: archiveItemKey(eventId) }),
      );
      return Item === undefined ? undefined : entryOf(Item);
    },

    async listProcessed(after, options = {}) {
      const until = options.until ?? new Date(Date.now() + 60_000).toISOString();
      return summariesByDay(
        table,
        archiveDays(after, until),
        options.limit ?? Number.POSITIVE_INFINITY,
        (partition) => ({
          IndexName: ARCHIVE_INDEX,
          KeyConditionExpression: 'gsi2pk = :day AND gsi2sk BETWEEN :after AND :until',
          ExpressionAttributeValues: { ':day': partition, ':after': `${after}#\uffff`, ':until': `${until}#\uffff` },
        }),
      );
    },

    // The newest first: today's shards, then yesterday's.
    latest: (limit, now = new Date()) =>
      summariesByDay(
        table,
        [now.toISOString(), new Date(now.getTime() - 86_400_000).toISOString()],
        limit,
        (partition) => ({
          IndexName: ARCHIVE_INDEX,
          KeyConditionExpression: 'gsi2pk = :day',
          ExpressionAttributeValues: { ':day': partition },
          ScanIndexForward: false,
        }),
      ),
  };
}

/** SQS delivered this event again (its delete was lost, or it outlived the visibility timeout) and it found its key applied. */
const isRedeliveredDuplicate = (entry: ArchiveEntry) => entry.attempts > 1 && entry.status === 'duplicate';

/**
 * Most likely this event's own earlier delivery applied it: that verdict must not be overwritten by `duplicate`.
 * BatchWriteItem takes no condition, so this rare case costs one conditional PutItem of its own. The condition closes
 * the race with the earlier delivery's archive write landing after this one: an applied or late verdict stays.
 */
async function keepEarlierVerdict(table: TableRef, entry: ArchiveEntry): Promise<void> {
  try {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: itemOf(entry, table),
        ConditionExpression: 'attribute_not_exists(pk) OR NOT (#status IN (:applied, :late))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':applied': 'applied', ':late': 'late' },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** One day after another, each day's shards queried and merged (lib/store/shards.ts), until `limit` summaries are found. */
async function summariesByDay(
  table: TableRef,
  days: string[],
  limit: number,
  query: (partition: string) => QueryInput,
): Promise<ArchiveSummary[]> {
  const found: ArchiveSummary[] = [];
  for (const day of days) {
    const items = await queryShards(table, archiveDayPartitions(day), 'gsi2sk', query, limit - found.length);
    found.push(...items.map(summaryOf));
    if (found.length >= limit) break;
  }
  return found;
}

function itemOf(entry: ArchiveEntry, table: TableRef): Record<string, unknown> {
  return {
    ...archiveItemKey(entry.event_id),
    ...entry,
    gsi2pk: archivePartition(entry.processed_at, entry.event_id),
    gsi2sk: archiveSortKey(entry.processed_at, entry.event_id),
    expires_at: expiresAt(table, Date.parse(entry.processed_at)),
  };
}

function entryOf(item: Record<string, unknown>): ArchiveEntry {
  const { pk: _pk, sk: _sk, gsi2pk: _p, gsi2sk: _s, expires_at: _e, ...entry } = item;
  return entry as unknown as ArchiveEntry;
}

const SUMMARY_FIELDS = [
  'event_id',
  'kind',
  'route',
  'received_at',
  'natural_key',
  'status',
  'outcome',
  'reason',
  'attempts',
  'processed_at',
  'replay_of',
] as const;

function summaryOf(item: Record<string, unknown>): ArchiveSummary {
  const summary: Record<string, unknown> = {};
  for (const field of SUMMARY_FIELDS) if (item[field] !== undefined) summary[field] = item[field];
  // `source` is not projected (DynamoDB refuses a projection change on an existing index): the route says it, as no
  // HTTP route is named `reconcile` (lib/reconcile/reconcile-payload.ts: RECONCILE_ROUTE).
  if (item.source === 'reconcile' || item.route === RECONCILE_ROUTE) summary.source = 'reconcile';
  return summary as unknown as ArchiveSummary;
}
