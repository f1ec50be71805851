import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDynamoDbJsonClient } from '../lib/aws/dynamodb-json-client';
import { environmentCredentials } from '../lib/aws/env-credentials';
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
// cacheMiddleware (every SDK client): the stack is resolved once per command type (~0.1 ms less CPU per call).
const sqs = new SQSClient({ md5: false, cacheMiddleware: true });
const clients = {
  // DynamoDB is the worker's hot path (one to a few requests per event): signed JSON requests without the SDK
  // client's per-call middleware (lib/aws/dynamodb-json-client.ts), with its retry rules. An answer that has not
  // come within 1 s is tried again (3 attempts), instead of being awaited until the function times out: one hung
  // request held its whole batch. Every write is conditional or idempotent, so a timed-out request that lands after
  // its retry changes nothing (the chaos run's latency fault does exactly that).
  dynamodb: createDynamoDbJsonClient({ credentials: environmentCredentials(), ...awsServiceEnv(process.env, 'DYNAMODB'), maxAttempts: 3, connectionTimeoutMs: 1000, requestTimeoutMs: 1000 }),
  sqs,
  // No SDK retries for SNS: a retried Publish whose first try went through notifies twice (lib/notifications).
  sns: new SNSClient({ maxAttempts: 1, cacheMiddleware: true, requestHandler: { connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true } }),
  readParameter: cachedParameterReader(createSsmParametersReader({ credentials: sqs.config.credentials, region: sqs.config.region })),
};
const deps = composeWorker(config, clients, log, createMetrics(config.runtime));

export const handler = (event: SQSEvent): Promise<SQSBatchResponse> => processBatch(event.Records, deps);
