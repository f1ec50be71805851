import type { ParsedBody } from '../http/request-body';
import type { WebhookRequest } from '../http/webhook-request';
import { createEnvelope, type WebhookEnvelope } from './envelope';
import type { WebhookKind } from './routes';

/** The canonical envelope of one parsed delivery (the ingest's and the SWML fetch's journal). */
export function wrapDelivery(kind: WebhookKind, request: WebhookRequest, parsed: ParsedBody, pathParams?: Record<string, string>): WebhookEnvelope {
  return createEnvelope({
    kind,
    route: request.routeKey,
    ...(pathParams !== undefined && { path_params: pathParams }),
    content_type: parsed.contentType,
    body: parsed.text,
    payload: parsed.payload,
    headers: pickHeaders(request.headers),
    ...(request.sourceIp !== undefined && { source_ip: request.sourceIp }),
    ...(request.requestId !== undefined && { request_id: request.requestId }),
  });
}

// Only what helps an operator reading the DLQ; never Authorization or signatures.
function pickHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ['content-type', 'user-agent']) {
    const value = headers[name];
    if (value !== undefined) kept[name] = value.slice(0, 256);
  }
  return kept;
}
