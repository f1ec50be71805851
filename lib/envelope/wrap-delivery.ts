import { randomUUID } from 'node:crypto';
import type { ParsedBody } from '../http/request-body';
import type { WebhookRequest } from '../http/webhook-request';
import type { WebhookEnvelope } from './envelope';
import type { WebhookKind } from './routes';
import { fastIsoTime } from '../time';

/**
 * The canonical envelope of one parsed delivery (the ingest's and the SWML fetch's journal): what `createEnvelope`
 * builds, in the same key order, written as one object literal because it runs for every webhook.
 */
export function wrapDelivery(
  kind: WebhookKind,
  request: WebhookRequest,
  parsed: ParsedBody,
  pathParams?: Record<string, string>,
): WebhookEnvelope {
  const envelope: WebhookEnvelope = {
    version: 1,
    event_id: randomUUID(),
    received_at: fastIsoTime(Date.now()),
    kind,
    route: request.routeKey,
    content_type: parsed.contentType,
    body: parsed.text,
    payload: parsed.payload,
    headers: pickHeaders(request.headers),
  };
  if (pathParams !== undefined) envelope.path_params = pathParams;
  if (request.sourceIp !== undefined) envelope.source_ip = request.sourceIp;
  if (request.requestId !== undefined) envelope.request_id = request.requestId;
  return envelope;
}

// Only what helps an operator reading the DLQ; never Authorization or signatures.
function pickHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers[name];
    if (value !== undefined) kept[name] = value.slice(0, 256);
  }
  return kept;
}

const KEPT_HEADERS = ['content-type', 'user-agent'];
