import { parseBody, rawBodyBytes, type ParsedBody } from '../http/request-body';
import type { WebhookRequest } from '../http/webhook-request';
import { withoutQuerySecret } from '../security/redact';

/**
 * What a SWML fetch carried. GET: the query string (From, To, CallSid, Direction), kept as a form body so the
 * journal holds the exact bytes, less the `?secret=` (checked before this, and never stored); POST: the
 * `{call, vars, envs, params}` JSON (or a form). Undefined when the body cannot be read: the caller is still
 * answered, from an empty context. Never throws.
 */
export function readSwmlRequest(request: WebhookRequest): ParsedBody | undefined {
  if (request.routeKey.startsWith('GET ')) {
    const query = withoutQuerySecret(request.rawQueryString);
    return { contentType: 'form', text: query, payload: queryFields(query) };
  }
  try {
    return parseBody(rawBodyBytes(request.body, request.isBase64Encoded), request.headers['content-type']);
  } catch {
    return undefined;
  }
}

// A repeated parameter counts once, first value wins (as call-context.ts reads it).
function queryFields(query: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(query)) if (!Object.hasOwn(fields, name)) fields[name] = value;
  return fields;
}
