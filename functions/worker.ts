import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { positiveIntEnv, requireEnv } from '../lib/config/env';
import { createSsmParametersReader } from '../lib/aws/ssm-get-parameters';
import { cachedParameterReader } from '../lib/config/ssm-parameters';
import { createArchiveStore } from '../lib/archive/archive-store';
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

const log = createLogger({ fn: 'worker' });
const table: TableRef = {
  client: createDocumentClient(new DynamoDBClient({})),
  tableName: requireEnv(process.env, 'TABLE_NAME'),
  retentionDays: positiveIntEnv(process.env, 'RETENTION_DAYS', 90),
};
const sqs = new SQSClient({ md5: false });
const readParameter = cachedParameterReader(createSsmParametersReader({ credentials: sqs.config.credentials, region: sqs.config.region }));
const messaging = createMessaging(process.env, { table, readParameter, sns: new SNSClient({}), log });
const stores = {
  calls: createCallStore(table),
  messages: messaging.messages,
  rooms: createRoomStore(table),
  swmlFetches: createSwmlFetchStore(table),
  videoNotifier: createVideoNotifier(messaging.notifier),
};
const deps = {
  apply: (envelope: Parameters<typeof applyEvent>[0]) => applyEvent(envelope, stores),
  deadLetters: createDeadLetterQueue(sqs, requireEnv(process.env, 'DLQ_URL')),
  failures: createFailureStore(table),
  maxReceiveCount: positiveIntEnv(process.env, 'MAX_RECEIVE_COUNT', 5),
  log,
  metrics: createMetrics(),
  archive: createArchiveStore(table),
};

export const handler = (event: SQSEvent): Promise<SQSBatchResponse> => processBatch(event.Records, deps);
