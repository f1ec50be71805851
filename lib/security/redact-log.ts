import { REDACTED, redactUrl } from './redact';

/**
 * The last line of defence before a log line is written (lib/log.ts runs every line's fields through it), so a
 * careless `log.info('x', { headers })` cannot leak a credential:
 * - a field whose name says credential (authorization, cookie, signature, secret, password, token, signing key,
 *   api key) is replaced at any depth, whatever its value;
 * - a string that is a URL loses its userinfo and its `secret` query parameter;
 * - with `redactMessageBodies` (REDACT_MESSAGE_BODIES=true), message text (`body`, `Body`, `text`, raw bodies) too.
 */
const CREDENTIAL_FIELD =
  /authorization|cookie|signature|secret|password|passwd|token|signing[-_]?key|api[-_]?key|credential/i;
// `text`: a notification's readable text quotes the SMS it forwards.
const MESSAGE_TEXT_FIELDS = new Set(['body', 'Body', 'message_body', 'raw_body', 'text']);
const URL_PREFIX = /^[a-z][a-z0-9+.-]*:\/\//i;
const MAX_DEPTH = 8;

export interface LogRedactionOptions {
  redactMessageBodies: boolean;
}

export function redactLogFields(
  fields: Record<string, unknown>,
  options: LogRedactionOptions,
): Record<string, unknown> {
  return redactObject(fields, options, 0);
}

function redactValue(key: string, value: unknown, options: LogRedactionOptions, depth: number): unknown {
  if (value === undefined || value === null) return value;
  if (CREDENTIAL_FIELD.test(key)) return REDACTED;
  if (options.redactMessageBodies && MESSAGE_TEXT_FIELDS.has(key)) return REDACTED;
  if (typeof value === 'string') return URL_PREFIX.test(value) ? redactUrl(value) : value;
  // Errors are serialised by the logger (name and message); their own fields are not walked.
  if (typeof value !== 'object' || value instanceof Error) return value;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactValue(key, item, options, depth + 1));
  return redactObject(value as Record<string, unknown>, options, depth + 1);
}

function redactObject(
  object: Record<string, unknown>,
  options: LogRedactionOptions,
  depth: number,
): Record<string, unknown> {
  const redacted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) redacted[key] = redactValue(key, value, options, depth);
  return redacted;
}
