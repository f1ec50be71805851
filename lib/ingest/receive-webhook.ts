import type { WebhookEnvelope } from '../envelope/envelope';
import { kindForRoute } from '../envelope/routes';
import { wrapDelivery } from '../envelope/wrap-delivery';
import { ClientError } from '../errors';
import { parseBody } from '../http/request-body';
import type { WebhookRequest } from '../http/webhook-request';
import { queuedMessageBody } from '../queue/webhook-queue';
import { verifyDelivery, type VerifyDeliveryDeps } from '../security/authenticate';
import { videoEventTypeFromRoute } from '../video/video-event-type';

export interface ReceiveWebhookDeps extends VerifyDeliveryDeps {
  /** Durably queues the serialized envelope; throws DependencyError when it cannot. */
  enqueue(messageBody: string): Promise<void>;
}

/**
 * The ingest use case: authenticate, parse, wrap and enqueue one delivery. Resolves only after the queue holds
 * it, so a 200 built from the result means the webhook cannot be lost.
 */
export async function receiveWebhook(request: WebhookRequest, deps: ReceiveWebhookDeps): Promise<WebhookEnvelope> {
  const kind = kindForRoute(request.routeKey);
  if (kind === undefined) throw new ClientError(404, 'no such webhook route');
  const videoEvent = request.pathParameters.event;
  if (videoEvent !== undefined && !namesOneVideoEvent(videoEvent)) throw new ClientError(404, 'unknown video event');

  const raw = await verifyDelivery(request, deps.authenticate);
  const parsed = parseBody(raw, request.headers['content-type']);

  const envelope = wrapDelivery(kind, request, parsed, videoEvent !== undefined ? { event: videoEvent } : undefined);
  // Measured on the exact bytes queued (after escaping), with room left for a dead letter's reason attributes.
  const messageBody = queuedMessageBody(JSON.stringify(envelope));
  if (messageBody === undefined) throw new ClientError(413, 'body too large to queue');
  await deps.enqueue(messageBody);
  return envelope;
}

// `/video/{event}` takes the route names of lib/video/video-event-type.ts (the one map), not its catch-all name.
function namesOneVideoEvent(name: string): boolean {
  try {
    return videoEventTypeFromRoute(name) !== undefined;
  } catch {
    return false;
  }
}
