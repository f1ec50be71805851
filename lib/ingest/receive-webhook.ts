import { ClientError } from '../errors';
import { queuedMessageBody } from '../queue/webhook-queue';
import { createEnvelope, type WebhookEnvelope } from './envelope';
import { parseBody, rawBodyBytes, type ParsedBody } from './request-body';
import { kindForRoute, type WebhookKind } from './routes';
import type { WebhookRequest } from './webhook-request';

/** `/video/{event}` names SignalWire users configure, one per room event. */
const VIDEO_ROUTE_EVENTS = new Set(['room-started', 'room-ended', 'member-joined', 'member-left', 'recording-started', 'recording-ready']);

export interface ReceiveWebhookDeps {
  /** Durably queues the serialized envelope; throws DependencyError when it cannot. */
  enqueue(messageBody: string): Promise<void>;
  /** Checks who is calling (signatures, secrets, allowlist); throws ClientError 401/403 to refuse. */
  authenticate?(request: WebhookRequest, rawBody: Buffer): void | Promise<void>;
}

/**
 * The ingest use case: authenticate, parse, wrap and enqueue one delivery. Resolves only after the queue holds
 * it, so a 200 built from the result means the webhook cannot be lost.
 */
export async function receiveWebhook(request: WebhookRequest, deps: ReceiveWebhookDeps): Promise<WebhookEnvelope> {
  const kind = kindForRoute(request.routeKey);
  if (kind === undefined) throw new ClientError(404, 'no such webhook route');
  const videoEvent = request.pathParameters.event;
  if (videoEvent !== undefined && !VIDEO_ROUTE_EVENTS.has(videoEvent)) throw new ClientError(404, 'unknown video event');

  const raw = rawBodyBytes(request.body, request.isBase64Encoded);
  await deps.authenticate?.(request, raw);
  const parsed = parseBody(raw, request.headers['content-type']);

  const envelope = wrapDelivery(kind, request, parsed, videoEvent !== undefined ? { event: videoEvent } : undefined);
  // Measured on the exact bytes queued (after escaping), with room left for a dead letter's reason attributes.
  const messageBody = queuedMessageBody(JSON.stringify(envelope));
  if (messageBody === undefined) throw new ClientError(413, 'body too large to queue');
  await deps.enqueue(messageBody);
  return envelope;
}

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
