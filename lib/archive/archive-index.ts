/**
 * The archive's global secondary index (`gsi2`): every archived delivery under `ARCHIVE#<UTC day>` of the time the
 * worker wrote its verdict, sorted by `<processed_at>#<event_id>`. A new verdict (retrying, then applied) moves the
 * item to the end, so `tail` follows one partition forward with a cursor. One partition per day keeps a day's
 * writes on one index partition (well under its 1,000 writes/s) and a range query to a few Query calls.
 */
export const ARCHIVE_INDEX = 'gsi2';

export function archiveItemKey(eventId: string): { pk: string; sk: string } {
  return { pk: `ARCHIVE#${eventId}`, sk: 'ARCHIVE' };
}

export function archivePartition(iso: string): string {
  return `ARCHIVE#${iso.slice(0, 10)}`;
}

export function archiveSortKey(processedAt: string, eventId: string): string {
  return `${processedAt}#${eventId}`;
}

/** The UTC days from `fromIso` to `toIso` inclusive, oldest first: the partitions a time range spans. */
export function archiveDays(fromIso: string, toIso: string): string[] {
  const days: string[] = [];
  const end = Date.parse(toIso.slice(0, 10));
  for (let day = Date.parse(fromIso.slice(0, 10)); day <= end; day += 86_400_000) days.push(new Date(day).toISOString().slice(0, 10));
  return days;
}
