import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createDynamoDbJsonClient } from '../lib/aws/dynamodb-json-client';
import { environmentCredentials } from '../lib/aws/env-credentials';
import { createSsmParametersReader } from '../lib/aws/ssm-get-parameters';
import { awsServiceEnv } from '../lib/config/env';
import { errorResponse, jsonResponse } from '../lib/http/responses';
import { toWebhookRequest } from '../lib/http/webhook-request';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { createWebhookQueue } from '../lib/queue/webhook-queue';
import { authenticatorFromConfig } from '../lib/security/authenticate';
import { createSwmlRulesStore } from '../lib/store/swml-rules-store';
import { createDocumentClient } from '../lib/store/table';
import { answerSwmlFetch } from '../lib/swml/answer-swml-fetch';
import { createRoutingRulesSource } from '../lib/swml/routing-rules-source';
import { readSwmlConfig } from '../lib/swml/swml-config';

const config = readSwmlConfig(process.env);
const log = createLogger({ fn: 'swml' }, config.runtime.logLevel, config.runtime);
// A caller waits on this answer: fail fast and answer the safe default rather than keep the line silent. The rules
// are read through the lean DynamoDB client (lib/aws/dynamodb-json-client.ts). throwOnRequestTimeout: without it the
// SDK's SQS client only logs a warning when requestTimeout passes and keeps waiting.
const dynamodb = createDynamoDbJsonClient({ credentials: environmentCredentials(), ...awsServiceEnv(process.env, 'DYNAMODB'), maxAttempts: 2, connectionTimeoutMs: 300, requestTimeoutMs: 800 });
const sqs = new SQSClient({ maxAttempts: 1, requestHandler: { connectionTimeout: 250, requestTimeout: 300, throwOnRequestTimeout: true } });
const rules = createSwmlRulesStore({
  client: createDocumentClient(dynamodb),
  tableName: config.tableName,
  retentionDays: config.retentionDays,
});
const deps = {
  // The same webhook verification as the ingest (README "Security"): a refused fetch gets no document at all.
  authenticate: authenticatorFromConfig(config.auth, { log, metrics: createMetrics(config.runtime), readParameters: createSsmParametersReader({ credentials: sqs.config.credentials, region: sqs.config.region, timeoutMs: 1000 }) }),
  loadRules: createRoutingRulesSource(async () => (await rules.get())?.rules_json, {
    ttlMs: config.rulesCacheMs,
    log,
  }),
  journal: createWebhookQueue(sqs, config.queueUrl).send,
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
