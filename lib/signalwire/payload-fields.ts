import { PermanentError } from '../errors';

/**
 * Strict readers for fields of a parsed SignalWire payload (a JSON object, or the fields of a form body).
 * Every failure is a PermanentError whose message is `${context}: ${reason}`, short enough to sit in a DLQ record.
 * `null` and absent are the same thing: JSON senders write `"error_code": null` where a form omits the field.
 */

const MAX_ID_LENGTH = 256;
export const MAX_ADDRESS_LENGTH = 256;
export const MAX_URL_LENGTH = 2048;
export const MAX_TEXT_LENGTH = 16_384;

export type Payload = Record<string, unknown>;

/** Which of the three SignalWire payload families a delivery came in (see SIGNALWIRE.md). */
export type PayloadShape = 'flat' | 'relay' | 'cxml';

export function isRecord(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function hasField(payload: Payload, key: string): boolean {
  return payload[key] !== undefined && payload[key] !== null;
}

/** A string field that may be absent; present but not a string, or longer than `maxLength`, is refused. */
export function readOptionalString(
  payload: Payload,
  key: string,
  context: string,
  label: string,
  maxLength: number,
): string | undefined {
  const value = payload[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new PermanentError(`${context}: ${label} is not a string`);
  if (value.length > maxLength) throw new PermanentError(`${context}: ${label} is too long`);
  return value;
}

/** A required non-blank string (an id, an address, a status). */
export function readRequiredString(
  payload: Payload,
  key: string,
  context: string,
  label: string,
  maxLength: number = MAX_ID_LENGTH,
): string {
  const value = readOptionalString(payload, key, context, label, maxLength);
  if (value === undefined || value.trim() === '') throw new PermanentError(`${context}: missing ${label}`);
  return value;
}

/** An optional non-blank string: a blank one (`From=` in a form) counts as absent. */
export function readOptionalNonBlank(
  payload: Payload,
  key: string,
  context: string,
  label: string,
  maxLength: number = MAX_ADDRESS_LENGTH,
): string | undefined {
  const value = readOptionalString(payload, key, context, label, maxLength);
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * A non-negative integer given as a JSON number or, as form bodies do, a decimal string.
 * `maximum` keeps absurd values (a million media items) out of the domain.
 */
export function readOptionalCount(
  payload: Payload,
  key: string,
  context: string,
  label: string,
  maximum: number,
): number | undefined {
  const value = payload[key];
  if (value === undefined || value === null || value === '') return undefined;
  let count: number;
  if (typeof value === 'number') count = value;
  else if (typeof value === 'string' && /^\d{1,9}$/.test(value.trim())) count = Number(value.trim());
  else throw new PermanentError(`${context}: ${label} is not a count`);
  if (!Number.isInteger(count) || count < 0) throw new PermanentError(`${context}: ${label} is not a count`);
  if (count > maximum) throw new PermanentError(`${context}: ${label} is too large`);
  return count;
}

/** A non-negative finite number (a duration), as a JSON number or a decimal string. */
export function readOptionalNonNegativeNumber(
  payload: Payload,
  key: string,
  context: string,
  label: string,
): number | undefined {
  const value = payload[key];
  if (value === undefined || value === null || value === '') return undefined;
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,12}(\.\d{1,9})?$/.test(value.trim())
        ? Number(value)
        : NaN;
  if (!Number.isFinite(number) || number < 0)
    throw new PermanentError(`${context}: ${label} is not a non-negative number`);
  return number;
}

/** Error codes arrive as `"30003"`, `30003`, `null` or `""`: a string, or nothing. */
export function readOptionalErrorCode(payload: Payload, key: string, context: string): string | undefined {
  const value = payload[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && value.length <= 64) return value.trim() === '' ? undefined : value;
  throw new PermanentError(`${context}: error code is not a string or integer`);
}

/** A nested object field (RELAY `params`, `member`, `recording`); absent is undefined, anything else is refused. */
export function readOptionalObject(payload: Payload, key: string, context: string, label: string): Payload | undefined {
  const value = payload[key];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new PermanentError(`${context}: ${label} is not an object`);
  return value;
}

/** A value quoted in a reason: bounded and printable, so a hostile payload cannot flood a log line. */
export function quoteForReason(value: unknown): string {
  const text = typeof value === 'string' ? value : typeof value;
  return JSON.stringify(Array.from(text).slice(0, 40).join(''));
}
