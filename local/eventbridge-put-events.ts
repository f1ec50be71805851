import { randomUUID } from 'node:crypto';

/**
 * PutEvents as EventBridge checks it, for the local bus (local/eventbridge-stand-in.ts): what it refuses for the whole
 * request, what it refuses per entry, and the event an accepted entry becomes.
 * - https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html (1 to 10 entries)
 * - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html ("Calculating PutEvents event
 *   entry size": Time 14 bytes when given, Source, DetailType, Detail and each of Resources by their UTF-8 bytes)
 * - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html (the event a rule matches and a
 *   target receives)
 * The refusals' codes and messages are AWS's own, as recorded against AWS (LocalStack's snapshot tests of PutEvents,
 * validated 2025-01): a request whose entries add up to more than the limit is refused whole (ValidationException
 * "Total size of the entries in the request is over the limit."), not entry by entry; an entry without Source,
 * DetailType or Detail, or whose Detail is not a JSON object, fails alone.
 */

/**
 * The most a PutEvents request's entries may add up to. AWS raised it to 1 MB in January 2026, though not in every
 * region; locally it stays at the long-documented 256 KB, so what passes here passes in every region.
 */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;

/** The most entries one PutEvents request may carry. */
const MAX_PUT_EVENTS_ENTRIES = 10;

/** An entry of a PutEvents request as it arrives (AWS JSON 1.1: Time in epoch seconds), unchecked. */
export interface PutEventsEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  Resources?: unknown;
  Time?: unknown;
  EventBusName?: unknown;
}

/** An event on a bus, as rules match it and targets receive it. */
export type EventBridgeEvent = {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
};

/** A failed entry of PutEvents' answer. */
export interface EntryRefusal {
  ErrorCode: string;
  ErrorMessage: string;
}

const utf8Bytes = (text: unknown) => (typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : 0);

/** An entry's size as EventBridge counts it ("Calculating PutEvents event entry size"). */
function entrySize(entry: PutEventsEntry): number {
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    (entry.Time !== undefined && entry.Time !== null ? 14 : 0) +
    utf8Bytes(entry.Source) +
    utf8Bytes(entry.DetailType) +
    utf8Bytes(entry.Detail) +
    resources.reduce((sum: number, resource) => sum + utf8Bytes(resource), 0)
  );
}

/** Why the whole request is refused (a ValidationException's message), or undefined. */
export function requestRefusal(entries: unknown): string | undefined {
  if (!Array.isArray(entries) || entries.length < 1)
    return "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1";
  if (entries.length > MAX_PUT_EVENTS_ENTRIES)
    return `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PUT_EVENTS_ENTRIES}`;
  const total = entries.reduce((sum: number, entry: PutEventsEntry) => sum + entrySize(entry ?? {}), 0);
  if (total > MAX_PUT_EVENTS_BYTES) return 'Total size of the entries in the request is over the limit.';
  return undefined;
}

const missing = (parameter: string): EntryRefusal => ({
  ErrorCode: 'InvalidArgument',
  ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${parameter} is a required argument.`,
});

/** Why AWS fails this entry (its ErrorCode and ErrorMessage), or its Detail parsed. */
export function checkEntry(entry: PutEventsEntry): EntryRefusal | { detail: Record<string, unknown> } {
  if (typeof entry.Source !== 'string' || entry.Source === '') return missing('Source');
  if (typeof entry.DetailType !== 'string' || entry.DetailType === '') return missing('DetailType');
  if (typeof entry.Detail !== 'string' || entry.Detail === '') return missing('Detail');
  // The `aws.` sources are AWS services' own: an account may not publish as one.
  if (entry.Source.startsWith('aws.'))
    return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    detail = undefined;
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  return { detail: detail as Record<string, unknown> };
}

/** EventBridge's times have whole seconds: 2026-12-07T10:00:00Z. */
const wholeSeconds = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

/** The event an accepted entry becomes: its `time` the entry's Time (epoch seconds, as the SDK sends it), else now. */
export function toEvent(
  entry: PutEventsEntry,
  detail: Record<string, unknown>,
  where: { region: string; account: string },
  now = new Date(),
): EventBridgeEvent {
  const time =
    typeof entry.Time === 'number'
      ? new Date(entry.Time * 1000)
      : typeof entry.Time === 'string'
        ? new Date(entry.Time)
        : now;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.DetailType as string,
    source: entry.Source as string,
    account: where.account,
    time: wholeSeconds(Number.isNaN(time.getTime()) ? now : time),
    region: where.region,
    resources: Array.isArray(entry.Resources) ? entry.Resources.filter((r) => typeof r === 'string') : [],
    detail,
  };
}
