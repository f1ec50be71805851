import { ClientError } from '../errors';

/** What the body of a delivery parsed to. */
export interface ParsedBody {
  contentType: 'json' | 'form';
  text: string;
  payload: Record<string, unknown>;
}

/** Bodies larger than this cannot fit one SQS message once wrapped (SQS takes 1 MiB); SignalWire's are a few KB. */
export const MAX_BODY_BYTES = 256 * 1024;
const MAX_JSON_DEPTH = 32;
/**
 * SignalWire's forms (cXML callbacks) carry a few dozen fields in a few KB; far more is refused before any signature
 * is checked or field parsed, which bounds what an unauthenticated form can cost (checking Scheme B means parsing,
 * sorting and hashing all of it). JSON bodies keep MAX_BODY_BYTES: Scheme A hashes them once, parsing waits.
 */
export const MAX_FORM_FIELDS = 1000;
export const MAX_FORM_BODY_BYTES = 64 * 1024;
// ignoreBOM keeps a byte-order mark in the text, so the envelope's body stays the exact bytes received.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes API Gateway's body (base64 when flagged) to the exact raw bytes. */
export function rawBodyBytes(body: string | undefined, isBase64Encoded: boolean): Buffer {
  if (body === undefined || body === '') return Buffer.alloc(0);
  return isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

export function parseBody(raw: Buffer, contentTypeHeader: string | undefined): ParsedBody {
  if (raw.length > MAX_BODY_BYTES) throw new ClientError(413, `body exceeds ${MAX_BODY_BYTES} bytes`);
  const contentType = mediaType(contentTypeHeader);
  if (contentType !== 'json' && contentType !== 'form') {
    throw new ClientError(415, 'content type must be application/json or application/x-www-form-urlencoded');
  }
  if (raw.length === 0) throw new ClientError(400, 'empty body');
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new ClientError(400, 'body is not valid UTF-8');
  }
  if (contentType === 'form') refuseOversizedForm(raw, contentTypeHeader);
  return { contentType, text, payload: contentType === 'json' ? parseJsonObject(text) : parseForm(text) };
}

/** Throws 413 for a form body over MAX_FORM_BODY_BYTES or MAX_FORM_FIELDS fields: its size and a count of separators. */
export function refuseOversizedForm(raw: Buffer, contentTypeHeader: string | undefined): void {
  if (mediaType(contentTypeHeader) !== 'form') return;
  if (raw.length > MAX_FORM_BODY_BYTES) throw new ClientError(413, `form body exceeds ${MAX_FORM_BODY_BYTES} bytes`);
  let fields = 1;
  for (let i = raw.indexOf(AMPERSAND); i !== -1; i = raw.indexOf(AMPERSAND, i + 1)) {
    if (++fields > MAX_FORM_FIELDS) throw new ClientError(413, `form has more than ${MAX_FORM_FIELDS} fields`);
  }
}

const AMPERSAND = 0x26;

function mediaType(header: string | undefined): 'json' | 'form' | 'other' {
  // A missing content type is treated as JSON: SignalWire always sends one, and curl users forget it.
  if (header === undefined || header.trim() === '') return 'json';
  const type = header.split(';', 1)[0]!.trim().toLowerCase();
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  return 'other';
}

function parseJsonObject(text: string): Record<string, unknown> {
  if (exceedsDepth(text, MAX_JSON_DEPTH)) throw new ClientError(400, `JSON nested deeper than ${MAX_JSON_DEPTH}`);
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw new ClientError(400, 'body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ClientError(400, 'JSON body must be an object');
  }
  return value as Record<string, unknown>;
}

function parseForm(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    if (Object.hasOwn(fields, name)) throw new ClientError(400, `duplicate form field: ${name.slice(0, 64)}`);
    fields[name] = value;
  }
  if (Object.keys(fields).length === 0) throw new ClientError(400, 'form body has no fields');
  return fields;
}

/** Bracket depth outside strings: refuses pathological nesting before JSON.parse recurses into it. */
function exceedsDepth(text: string, limit: number): boolean {
  // Depth never exceeds the number of opening brackets: counting them (native indexOf) spares the scan below for
  // every ordinary payload.
  if (!hasMoreThan(text, '{', '[', limit)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** Whether `text` holds more than `limit` of the two characters together. */
function hasMoreThan(text: string, a: string, b: string, limit: number): boolean {
  let count = 0;
  for (const c of [a, b]) {
    for (let i = text.indexOf(c); i !== -1; i = text.indexOf(c, i + 1)) if (++count > limit) return true;
  }
  return false;
}
