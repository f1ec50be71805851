import { PermanentError } from '../errors';

/**
 * When a SignalWire event happened, as epoch milliseconds. The three shapes disagree:
 * - flat JSON: ISO 8601 strings ("2025-01-15T10:30:00Z");
 * - RELAY: epoch seconds as a float (1736937015.5), some fields epoch milliseconds (1736937000000);
 * - cXML: an RFC 2822 date ("Wed, 15 Jan 2025 10:31:00 +0000"), or nothing at all.
 * An absent timestamp falls back to `receivedAt`; a present but unreadable one is refused, because ordering
 * decisions (which status wins) are made on it and a guessed time would silently reorder events.
 */

// Epoch numbers below this are seconds, above it milliseconds: 1e11 s is the year 5138, 1e11 ms is 1973.
const SECONDS_MILLISECONDS_BOUNDARY = 1e11;
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

const EPOCH_NUMBER = /^\d{1,16}(\.\d{1,9})?$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const RFC_2822 =
  /^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}(?::\d{2})?\s+(?:[+-]\d{4}|GMT|UTC?|[ECMP][SD]T)$/;

export function occurredAtFrom(timestamp: unknown, receivedAt: string, context: string): number {
  if (timestamp === undefined || timestamp === null || timestamp === '') return receivedAtMillis(receivedAt, context);
  const millis = parseTimestamp(timestamp);
  if (millis === undefined) throw new PermanentError(`${context}: timestamp is not a date`);
  if (millis < EARLIEST || millis >= LATEST) throw new PermanentError(`${context}: timestamp is out of range`);
  return millis;
}

/** Reads a timestamp without a fallback; undefined when it is not one of the recognised forms. */
export function parseTimestamp(timestamp: unknown): number | undefined {
  if (typeof timestamp === 'number')
    return Number.isFinite(timestamp) && timestamp > 0 ? fromEpoch(timestamp) : undefined;
  if (typeof timestamp !== 'string') return undefined;
  const text = timestamp.trim();
  if (EPOCH_NUMBER.test(text)) return fromEpoch(Number(text));
  const iso = ISO_8601.exec(text);
  if (iso) {
    // An ISO date-time without an offset would be read as local time by Date.parse; SignalWire means UTC.
    const withZone = text.includes(':') && iso[1] === undefined ? `${text}Z` : text;
    return finiteOrUndefined(Date.parse(withZone.replace(' ', 'T')));
  }
  if (RFC_2822.test(text)) return finiteOrUndefined(Date.parse(text));
  return undefined;
}

function fromEpoch(value: number): number {
  return Math.round(value < SECONDS_MILLISECONDS_BOUNDARY ? value * 1000 : value);
}

function finiteOrUndefined(value: number): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}

function receivedAtMillis(receivedAt: string, context: string): number {
  const millis = typeof receivedAt === 'string' ? Date.parse(receivedAt) : NaN;
  if (!Number.isFinite(millis)) throw new PermanentError(`${context}: receivedAt is not a date`);
  return millis;
}
