import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createSsmParametersReader } from '../lib/aws/ssm-get-parameters';
import { errorResponse, jsonResponse } from '../lib/http/responses';
import { readIngestConfig } from '../lib/ingest/ingest-config';
import { receiveWebhook } from '../lib/ingest/receive-webhook';
import { toWebhookRequest } from '../lib/http/webhook-request';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { createWebhookQueue } from '../lib/queue/webhook-queue';
import { authenticatorFromConfig } from '../lib/security/authenticate';

const config = readIngestConfig(process.env);
const log = createLogger({ fn: 'ingest' }, config.runtime.logLevel, config.runtime);
// Fail fast inside SignalWire's 10 s per-attempt budget: SDK retries included, we answer 503 well before it gives up.
// md5: false skips the SDK's pure-JS MD5 of every message body (measured ~0.6 ms CPU per send); TLS already
// guarantees the bytes SQS stored are the bytes we sent.
// throwOnRequestTimeout: without it the SDK only logs a warning when requestTimeout passes, and keeps waiting.
// cacheMiddleware: the middleware stack is resolved once per command type instead of on every send (we add no
// per-command middleware); measured ~0.1 ms less CPU per SendMessage, a quarter of the SDK's share of the ack.
const sqs = new SQSClient({ maxAttempts: 3, md5: false, cacheMiddleware: true, requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true } });
const queue = createWebhookQueue(sqs, config.queueUrl);
const metrics = createMetrics(config.runtime);
const authenticate = authenticatorFromConfig(config.auth, { log, metrics, readParameters: createSsmParametersReader({ credentials: sqs.config.credentials, region: sqs.config.region }) });

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const request = toWebhookRequest(event);
  try {
    const envelope = await receiveWebhook(request, { enqueue: queue.send, authenticate });
    log.debug('webhook queued', { event_id: envelope.event_id, kind: envelope.kind });
    metrics.count('WebhookAccepted', { Kind: envelope.kind });
    return jsonResponse(200, { status: 'received', event_id: envelope.event_id });
  } catch (error) {
    return errorResponse(error, log, { route: request.routeKey, request_id: request.requestId });
  }
};
