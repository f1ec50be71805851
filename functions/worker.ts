import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createSsmParametersReader } from '../lib/aws/ssm-get-parameters';
import { cachedParameterReader } from '../lib/config/ssm-parameters';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { composeWorker } from '../lib/worker/compose-worker';
import { processBatch } from '../lib/worker/process-batch';
import { readWorkerConfig } from '../lib/worker/worker-config';

const config = readWorkerConfig(process.env);
const log = createLogger({ fn: 'worker' }, config.runtime.logLevel, config.runtime);
// cacheMiddleware (every client): the stack is resolved once per command type (~0.1 ms less CPU per call). The stores marshall
// themselves (lib/store/document-client.ts), so the DynamoDB client takes it too.
const sqs = new SQSClient({ md5: false, cacheMiddleware: true });
const clients = {
  // A DynamoDB answer that has not come within 1 s is tried again (the SDK's 3 attempts), instead of being awaited
  // until the function times out: one hung request held its whole batch. Every write is conditional or idempotent,
  // so a timed-out request that lands after its retry changes nothing (the chaos run's latency fault does exactly that).
  dynamodb: new DynamoDBClient({ cacheMiddleware: true, requestHandler: { connectionTimeout: 1000, requestTimeout: 1000, throwOnRequestTimeout: true } }),
  sqs,
  // No SDK retries for SNS: a retried Publish whose first try went through notifies twice (lib/notifications).
  sns: new SNSClient({ maxAttempts: 1, cacheMiddleware: true, requestHandler: { connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true } }),
  readParameter: cachedParameterReader(createSsmParametersReader({ credentials: sqs.config.credentials, region: sqs.config.region })),
};
const deps = composeWorker(config, clients, log, createMetrics(config.runtime));

export const handler = (event: SQSEvent): Promise<SQSBatchResponse> => processBatch(event.Records, deps);
