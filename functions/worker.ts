import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDynamoDbJsonClient } from '../lib/aws/dynamodb-json-client';
import { environmentCredentials } from '../lib/aws/env-credentials';
import { createSnsPublish } from '../lib/aws/sns-publish';
import { createSqsSendMessage } from '../lib/aws/sqs-send-message';
import { createSsmParametersReader } from '../lib/aws/ssm-get-parameters';
import { awsServiceEnv } from '../lib/config/env';
import { cachedParameterReader } from '../lib/config/ssm-parameters';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { composeWorker } from '../lib/worker/compose-worker';
import { processBatch } from '../lib/worker/process-batch';
import { readWorkerConfig } from '../lib/worker/worker-config';

const config = readWorkerConfig(process.env);
const log = createLogger({ fn: 'worker' }, config.runtime.logLevel, config.runtime);
// Lambda hands the execution role's credentials over in the environment (and the local stack does the same).
// Every AWS call is a signed request of our own (lib/aws): no SDK client to load at a cold start, nor its per-call
// middleware to run for every event.
const credentials = environmentCredentials();
const sqs = awsServiceEnv(process.env, 'SQS');
const clients = {
  // DynamoDB is the worker's hot path (one to a few requests per event), with the SDK's retry rules. An answer that
  // has not come within 1 s is tried again (3 attempts), instead of being awaited until the function times out: one
  // hung request held its whole batch. Every write is conditional or idempotent, so a timed-out request that lands
  // after its retry changes nothing (the chaos run's latency fault does exactly that).
  dynamodb: createDynamoDbJsonClient({ credentials, ...awsServiceEnv(process.env, 'DYNAMODB'), maxAttempts: 3, connectionTimeoutMs: 1000, requestTimeoutMs: 1000 }),
  // Dead letters: SendMessage with the reason as attributes, 3 tries as the SDK would.
  sendMessage: createSqsSendMessage({ credentials, ...sqs, maxAttempts: 3, connectionTimeoutMs: 1000, requestTimeoutMs: 2000 }),
  // Never retried on its own: a retried Publish whose first try went through notifies twice (lib/notifications).
  snsPublish: createSnsPublish({ credentials, ...awsServiceEnv(process.env, 'SNS'), connectionTimeoutMs: 1000, requestTimeoutMs: 3000 }),
  readParameter: cachedParameterReader(createSsmParametersReader({ credentials, region: async () => sqs.region })),
};
const deps = composeWorker(config, clients, log, createMetrics(config.runtime));

export const handler = (event: SQSEvent): Promise<SQSBatchResponse> => processBatch(event.Records, deps);
