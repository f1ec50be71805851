import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createDynamoDbJsonClient } from '../lib/aws/dynamodb-json-client';
import { environmentCredentials } from '../lib/aws/env-credentials';
import { createSqsSendMessage } from '../lib/aws/sqs-send-message';
import { createSsmParametersReader } from '../lib/aws/ssm-get-parameters';
import { awsServiceEnv } from '../lib/config/env';
import { errorResponse, jsonResponse } from '../lib/http/responses';
import { toWebhookRequest } from '../lib/http/webhook-request';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { webhookQueueOver } from '../lib/queue/webhook-queue';
import { authenticatorFromConfig } from '../lib/security/authenticate';
import { createSwmlRulesStore } from '../lib/store/swml-rules-store';
import { createDocumentClient } from '../lib/store/table';
import { answerSwmlFetch } from '../lib/swml/answer-swml-fetch';
import { createRoutingRulesSource } from '../lib/swml/routing-rules-source';
import { readSwmlConfig } from '../lib/swml/swml-config';

const config = readSwmlConfig(process.env);
const log = createLogger({ fn: 'swml' }, config.runtime.logLevel, config.runtime);
// A caller waits on this answer: fail fast and answer the safe default rather than keep the line silent. Both AWS
// calls are signed requests without an SDK client (lib/aws/aws-json-client.ts), as in the ingest: the rules read from
// DynamoDB, and the journal's one SendMessage (a single try: the answer never waits more than 300 ms for it).
const credentials = environmentCredentials();
const dynamodb = createDynamoDbJsonClient({ credentials, ...awsServiceEnv(process.env, 'DYNAMODB'), maxAttempts: 2, connectionTimeoutMs: 300, requestTimeoutMs: 800 });
const sqs = awsServiceEnv(process.env, 'SQS');
const sendMessage = createSqsSendMessage({ credentials, region: sqs.region, endpoint: sqs.endpoint, maxAttempts: 1, connectionTimeoutMs: 250, requestTimeoutMs: 300 });
const rules = createSwmlRulesStore({
  client: createDocumentClient(dynamodb),
  tableName: config.tableName,
  retentionDays: config.retentionDays,
});
const deps = {
  // The same webhook verification as the ingest (README "Security"): a refused fetch gets no document at all.
  authenticate: authenticatorFromConfig(config.auth, { log, metrics: createMetrics(config.runtime), readParameters: createSsmParametersReader({ credentials, region: async () => sqs.region, timeoutMs: 1000 }) }),
  loadRules: createRoutingRulesSource(async () => (await rules.get())?.rules_json, {
    ttlMs: config.rulesCacheMs,
    log,
  }),
  journal: webhookQueueOver(sendMessage, config.queueUrl).send,
  journalTimeoutMs: 300,
  rulesTimeoutMs: 2_000,
  log,
};

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const request = toWebhookRequest(event);
  try {
    return jsonResponse(200, await answerSwmlFetch(request, deps));
  } catch (error) {
    return errorResponse(error, log, { route: request.routeKey, request_id: request.requestId });
  }
};
