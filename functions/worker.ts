import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { positiveIntEnv, requireEnv } from '../lib/config/env';
import { createSsmParametersReader } from '../lib/aws/ssm-get-parameters';
import { cachedParameterReader } from '../lib/config/ssm-parameters';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { createVideoNotifier } from '../lib/notifications/video-notifications';
import { createDeadLetterQueue } from '../lib/queue/dead-letter-queue';
import { createCallStore } from '../lib/store/call-store';
import { createFailureStore } from '../lib/store/failure-store';
import { createRoomStore } from '../lib/store/room-store';
import { createSwmlFetchStore } from '../lib/store/swml-fetch-store';
import { createDocumentClient, type TableRef } from '../lib/store/table';
import { applyEvent } from '../lib/worker/apply-event';
import { createMessaging } from '../lib/worker/messaging-deps';
import { processBatch } from '../lib/worker/process-batch';

type Env = Record<string, string | undefined>;
export interface WorkerClients {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  sns: SNSClient;
}

/** The worker wired to its clients; the bench builds one around clients that count their requests. */
export function createWorkerHandler(env: Env, clients: WorkerClients): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const log = createLogger({ fn: 'worker' });
  const table: TableRef = {
    client: createDocumentClient(clients.dynamodb),
    tableName: requireEnv(env, 'TABLE_NAME'),
    retentionDays: positiveIntEnv(env, 'RETENTION_DAYS', 90),
  };
  const readParameter = cachedParameterReader(createSsmParametersReader({ credentials: clients.sqs.config.credentials, region: clients.sqs.config.region }));
  const messaging = createMessaging(env, { table, readParameter, sns: clients.sns, log });
  const stores = {
    calls: createCallStore(table),
    messages: messaging.messages,
    rooms: createRoomStore(table),
    swmlFetches: createSwmlFetchStore(table),
    videoNotifier: createVideoNotifier(messaging.notifier),
  };
  const deps = {
    apply: (envelope: Parameters<typeof applyEvent>[0]) => applyEvent(envelope, stores),
    deadLetters: createDeadLetterQueue(clients.sqs, requireEnv(env, 'DLQ_URL')),
    failures: createFailureStore(table),
    maxReceiveCount: positiveIntEnv(env, 'MAX_RECEIVE_COUNT', 5),
    log,
    metrics: createMetrics(),
  };
  return (event) => processBatch(event.Records, deps);
}

export const handler = createWorkerHandler(process.env, { dynamodb: new DynamoDBClient({}), sqs: new SQSClient({ md5: false, cacheMiddleware: true }), sns: new SNSClient({}) });
