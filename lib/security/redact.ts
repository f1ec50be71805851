/** What may be logged of a webhook: credentials never, message text only when PII redaction is off. */

export const REDACTED = '[redacted]';

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-signalwire-signature',
  'x-signalwire-sha256-signature',
  'x-twilio-signature',
]);
const SECRET_QUERY_PARAMS = new Set(['secret']);
const MESSAGE_TEXT_FIELDS = new Set(['body', 'Body']);
const MAX_REDACTION_DEPTH = 32;

/** A copy of the headers with credential and signature values replaced; names are matched case-insensitively. */
export function redactHeaders<T extends string | readonly string[] | undefined>(
  headers: Readonly<Record<string, T>>,
): Record<string, T | typeof REDACTED> {
  const redacted: Record<string, T | typeof REDACTED> = {};
  for (const [name, value] of Object.entries(headers)) {
    redacted[name] = value !== undefined && SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value;
  }
  return redacted;
}

/**
 * The URL with any userinfo and the `secret` query parameter value replaced. String-based, so it never throws and
 * keeps the rest byte for byte; the parameter name is percent-decoded first, as API Gateway decodes it.
 */
export function redactUrl(url: string): string {
  const withoutUserinfo = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, `$1${REDACTED}@`);
  const queryStart = withoutUserinfo.indexOf('?');
  if (queryStart === -1) return withoutUserinfo;
  const fragmentStart = withoutUserinfo.indexOf('#', queryStart);
  const queryEnd = fragmentStart === -1 ? withoutUserinfo.length : fragmentStart;
  const pairs = withoutUserinfo.slice(queryStart + 1, queryEnd).split('&');
  const redactedQuery = pairs.map((pair) => {
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    return SECRET_QUERY_PARAMS.has(decodeQueryComponent(name)) ? `${name}=${REDACTED}` : pair;
  });
  return withoutUserinfo.slice(0, queryStart + 1) + redactedQuery.join('&') + withoutUserinfo.slice(queryEnd);
}

/**
 * The query string without its `secret` parameters (any spelling API Gateway decodes to that name): what a SWML
 * fetch journals after its secret was checked, so no queue, DLQ, table or archive ever holds the secret.
 */
export function withoutQuerySecret(rawQueryString: string): string {
  if (rawQueryString === '') return rawQueryString;
  return rawQueryString
    .split('&')
    .filter((pair) => {
      const equals = pair.indexOf('=');
      return !SECRET_QUERY_PARAMS.has(decodeQueryComponent(equals === -1 ? pair : pair.slice(0, equals)));
    })
    .join('&');
}

/**
 * With `redactPii`, a copy of a parsed payload (flat, RELAY or form parameters) whose message text fields (`body`,
 * `Body`) are replaced at any depth; without it, the payload itself. Structures nested deeper than any SignalWire
 * payload are replaced whole rather than walked.
 */
export function redactBody<T>(payload: T, options: { redactPii: boolean }): T {
  return options.redactPii ? (redactMessageText(payload, 0) as T) : payload;
}

function redactMessageText(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_REDACTION_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactMessageText(item, depth + 1));
  const redacted: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    redacted[key] = MESSAGE_TEXT_FIELDS.has(key) && field !== null ? REDACTED : redactMessageText(field, depth + 1);
  }
  return redacted;
}

function decodeQueryComponent(component: string): string {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return component;
  }
}
