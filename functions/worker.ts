import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { positiveIntEnv, requireEnv } from '../lib/config/env';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { createDeadLetterQueue } from '../lib/queue/dead-letter-queue';
import { createCallStore } from '../lib/store/call-store';
import { createFailureStore } from '../lib/store/failure-store';
import { createRoomStore } from '../lib/store/room-store';
import { createSwmlFetchStore } from '../lib/store/swml-fetch-store';
import { createDocumentClient, type TableRef } from '../lib/store/table';
import { applyEvent } from '../lib/worker/apply-event';
import { processBatch } from '../lib/worker/process-batch';

const log = createLogger({ fn: 'worker' });
const table: TableRef = {
  client: createDocumentClient(new DynamoDBClient({})),
  tableName: requireEnv(process.env, 'TABLE_NAME'),
  retentionDays: positiveIntEnv(process.env, 'RETENTION_DAYS', 90),
};
// videoNotifier: hook for the notifications module (room started, recording ready); not wired yet.
const stores = { calls: createCallStore(table), rooms: createRoomStore(table), swmlFetches: createSwmlFetchStore(table) };
const deps = {
  apply: (envelope: Parameters<typeof applyEvent>[0]) => applyEvent(envelope, stores),
  deadLetters: createDeadLetterQueue(new SQSClient({}), requireEnv(process.env, 'DLQ_URL')),
  failures: createFailureStore(table),
  maxReceiveCount: positiveIntEnv(process.env, 'MAX_RECEIVE_COUNT', 5),
  log,
  metrics: createMetrics(),
};

export const handler = (event: SQSEvent): Promise<SQSBatchResponse> => processBatch(event.Records, deps);
