import { allShardPartitions, shardedPartition } from '../store/shards';

/**
 * The archive's global secondary index (`gsi2`): every archived delivery under `ARCHIVE#<UTC day>#<shard>` of the
 * time the worker wrote its verdict, sorted by `<processed_at>#<event_id>`. A new verdict (retrying, then applied)
 * moves the item to the end, so `tail` follows the day's shards forward with a cursor.
 *
 * Why shards: an index partition takes at most 1,000 writes/s, and with a sort key that grows with time DynamoDB
 * cannot split a hot one. One partition per day would cap the whole stack near 1,000 webhooks/s; spread by a hash of
 * the event id over ARCHIVE_SHARDS partitions (lib/store/shards.ts), the archive takes ten times that. Readers query
 * every shard of a day and merge (archive-store.ts).
 */
export const ARCHIVE_INDEX = 'gsi2';
export const ARCHIVE_SHARDS = 10;

export function archiveItemKey(eventId: string): { pk: string; sk: string } {
  return { pk: `ARCHIVE#${eventId}`, sk: 'ARCHIVE' };
}

/** The index partition of an event's verdict: its day and its shard (stable for the event: every verdict lands there). */
export function archivePartition(iso: string, eventId: string): string {
  return shardedPartition(archiveDay(iso), eventId, ARCHIVE_SHARDS);
}

/** Every index partition of the day `iso` falls in, one per shard. */
export function archiveDayPartitions(iso: string): string[] {
  return allShardPartitions(archiveDay(iso), ARCHIVE_SHARDS);
}

const archiveDay = (iso: string) => `ARCHIVE#${iso.slice(0, 10)}`;

export function archiveSortKey(processedAt: string, eventId: string): string {
  return `${processedAt}#${eventId}`;
}

/** The UTC days from `fromIso` to `toIso` inclusive, oldest first: the partitions a time range spans. */
export function archiveDays(fromIso: string, toIso: string): string[] {
  const days: string[] = [];
  const end = Date.parse(toIso.slice(0, 10));
  for (let day = Date.parse(fromIso.slice(0, 10)); day <= end; day += 86_400_000)
    days.push(new Date(day).toISOString().slice(0, 10));
  return days;
}
