import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createSqsClient, sendMessageWith } from '../lib/aws/sqs';
import { createSsmClient, parametersReaderWith } from '../lib/aws/ssm';
import { errorResponse, jsonResponse } from '../lib/http/responses';
import { toWebhookRequest } from '../lib/http/webhook-request';
import { composeIngest } from '../lib/ingest/compose-ingest';
import { readIngestConfig } from '../lib/ingest/ingest-config';
import { receiveWebhook } from '../lib/ingest/receive-webhook';
import { createLogger } from '../lib/log';
import { withLogContext } from '../lib/log-context';
import { createMetrics } from '../lib/metrics';

const config = readIngestConfig(process.env);
const log = createLogger({ fn: 'ingest' }, config.runtime.logLevel, config.runtime);
const metrics = createMetrics(config.runtime);
const deps = composeIngest(
  config,
  {
    sendMessage: sendMessageWith(createSqsClient(config.sqs)),
    readParameters: parametersReaderWith(createSsmClient(config.ssm)),
  },
  log,
  metrics,
);

const ingest = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const request = toWebhookRequest(event);
  try {
    const envelope = await receiveWebhook(request, deps);
    log.debug('webhook queued', { event_id: envelope.event_id, kind: envelope.kind });
    metrics.count('WebhookAccepted', { Kind: envelope.kind });
    return jsonResponse(200, { status: 'received', event_id: envelope.event_id });
  } catch (error) {
    return errorResponse(error, log, { route: request.routeKey });
  }
};

// Every log line names the Lambda invocation and API Gateway's request id (the one in its access log).
export const handler = (event: APIGatewayProxyEventV2, context?: Pick<Context, 'awsRequestId'>) =>
  withLogContext({ aws_request_id: context?.awsRequestId, request_id: event.requestContext?.requestId }, () =>
    ingest(event),
  );
