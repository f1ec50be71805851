import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { environmentCredentials } from '../lib/aws/env-credentials';
import { createSqsSendMessage } from '../lib/aws/sqs-send-message';
import { createSsmParametersReader } from '../lib/aws/ssm-get-parameters';
import { errorResponse, jsonResponse } from '../lib/http/responses';
import { readIngestConfig } from '../lib/ingest/ingest-config';
import { receiveWebhook } from '../lib/ingest/receive-webhook';
import { toWebhookRequest } from '../lib/http/webhook-request';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { webhookQueueOver } from '../lib/queue/webhook-queue';
import { authenticatorFromConfig } from '../lib/security/authenticate';

const config = readIngestConfig(process.env);
const log = createLogger({ fn: 'ingest' }, config.runtime.logLevel, config.runtime);
// Lambda hands the execution role's credentials over in the environment (and the local stack does the same).
const credentials = environmentCredentials();
// SendMessage is the only SQS call: one signed request (lib/aws/sqs-send-message.ts) instead of the SDK's client,
// about half of the cold start. Fail fast inside SignalWire's 10 s per-attempt budget: retries included, we
// answer 503 well before it gives up. No MD5 of the body: TLS already guarantees SQS stored the bytes we sent.
const sendMessage = createSqsSendMessage({ credentials, region: config.region, endpoint: config.sqsEndpoint, maxAttempts: 3, connectionTimeoutMs: 1000, requestTimeoutMs: 2000 });
const queue = webhookQueueOver(sendMessage, config.queueUrl);
const metrics = createMetrics(config.runtime);
const authenticate = authenticatorFromConfig(config.auth, { log, metrics, readParameters: createSsmParametersReader({ credentials, region: async () => config.region }) });

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
