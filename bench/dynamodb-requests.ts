/**
 * DynamoDB requests per event, counted per HTTP attempt (retries included) on the worker's own DynamoDBClient
 * (bench/lib/dynamodb-request-counter.ts: the worker sends DynamoDB no other way), on the real worker (its composition
 * root, its clients built as functions/worker.ts builds them) against the DynamoDB and SQS emulators, one SQS record
 * per invocation as Lambda would hand it. Each case's envelope is made by the real ingest use case.
 * `npm run bench:ddb`
 */
import type { SQSEvent, SQSBatchResponse } from 'aws-lambda';
import { createDynamoDbClient } from '../lib/aws/dynamodb';
import { sdkDynamoDb } from '../lib/aws/dynamodb-sdk-sender';
import { createSnsClient, publishWith } from '../lib/aws/sns';
import { changeVisibilityWith, createSqsClient, sendMessagesWith, sendMessageWith } from '../lib/aws/sqs';
import { createSsmClient, parametersReaderWith } from '../lib/aws/ssm';
import { cachedParametersReader, requiredParameter } from '../lib/config/ssm-parameters';
import { receiveWebhook } from '../lib/ingest/receive-webhook';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { composeWorker } from '../lib/worker/compose-worker';
import { processBatch } from '../lib/worker/process-batch';
import { readWorkerConfig } from '../lib/worker/worker-config';
import { startFakeSignalWire } from '../test/helpers/fake-signalwire';
import { countRequestsByOperation } from './lib/dynamodb-request-counter';
import { startBenchEmulators } from './lib/emulators';
import { emitMetrics, type Metrics } from './lib/metrics';

const emulators = await startBenchEmulators();
const signalWire = await startFakeSignalWire();
try {
  // The SDK clients take region, credentials and endpoints from the process's environment, as on Lambda.
  Object.assign(process.env, emulators.env, {
    TABLE_NAME: emulators.tableName,
    DLQ_URL: emulators.deadLetterQueueUrl,
    QUEUE_URL: emulators.queueUrl,
    STAGE: 'bench',
  });
  const config = readWorkerConfig({
    ...process.env,
    // Auto-replies through a real local HTTP server standing in for the SignalWire REST API.
    SIGNALWIRE_SPACE_URL: signalWire.url,
    SIGNALWIRE_PROJECT_ID: 'bench-project',
    SIGNALWIRE_API_TOKEN: 'bench-token',
    PUBLIC_BASE_URL: 'http://127.0.0.1:9',
    // Deployed, inbound SMS are forwarded (a topic exists); here they are logged, with the same claim writes.
    NOTIFY_INBOUND_SMS: 'true',
  });
  const dynamodb = createDynamoDbClient(config.dynamodb);
  const counts = countRequestsByOperation(dynamodb);
  // Wired as functions/worker.ts wires it, around the counted client.
  const readParameters = cachedParametersReader(parametersReaderWith(createSsmClient(config.ssm)));
  const sqs = createSqsClient(config.sqs);
  const clients = {
    dynamodb: sdkDynamoDb(dynamodb),
    sendMessage: sendMessageWith(sqs),
    sendMessages: sendMessagesWith(sqs),
    changeVisibility: changeVisibilityWith(sqs, config.queueUrl),
    snsPublish: publishWith(createSnsClient(config.sns)),
    readParameters,
    readParameter: requiredParameter(readParameters),
  };
  const deps = composeWorker(config, clients, createLogger({ fn: 'worker' }, 'silent'), createMetrics());
  const handler = (event: SQSEvent) => processBatch(event.Records, deps);

  let sequence = 0;
  async function deliver(route: string, payload: Record<string, unknown>): Promise<Record<string, number>> {
    let body = '';
    const [, path] = route.split(' ');
    const request = {
      routeKey: route,
      rawPath: path!,
      rawQueryString: '',
      pathParameters: {},
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      isBase64Encoded: false,
      sourceIp: '127.0.0.1',
      requestId: 'bench',
      domainName: 'bench',
      stage: '$default',
    };
    await receiveWebhook(request, {
      enqueue: async (text) => {
        body = text;
      },
    });
    const id = `bench-${++sequence}`;
    const now = String(Date.now());
    const event: SQSEvent = {
      Records: [
        {
          messageId: id,
          receiptHandle: id,
          body,
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: now,
            SenderId: 'bench',
            ApproximateFirstReceiveTimestamp: now,
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench',
          awsRegion: 'us-east-1',
        },
      ],
    };
    counts.clear();
    const response = (await handler(event)) as SQSBatchResponse;
    if (response.batchItemFailures.length > 0) throw new Error(`the worker failed ${route} ${JSON.stringify(payload)}`);
    return Object.fromEntries(counts);
  }

  const call = (id: string, state: string, at: string) => ({
    call_id: id,
    call_state: state,
    from: '+15551230000',
    to: '+15559870000',
    direction: 'inbound',
    timestamp: at,
  });
  const cases: [name: string, note: string, run: () => Promise<Record<string, number>>][] = [];
  cases.push([
    'ddb_requests_in_order_event',
    'call state answered, new call',
    () => deliver('POST /call-status', call('ddb-call-1', 'answered', '2025-01-15T10:00:00Z')),
  ]);
  cases.push([
    'ddb_requests_duplicate',
    'the same delivery again',
    () => deliver('POST /call-status', call('ddb-call-1', 'answered', '2025-01-15T10:00:00Z')),
  ]);
  cases.push([
    'ddb_requests_late_state',
    'ringing after ended',
    async () => {
      await deliver('POST /call-status', call('ddb-call-2', 'ended', '2025-01-15T10:05:00Z'));
      return deliver('POST /call-status', call('ddb-call-2', 'ringing', '2025-01-15T10:00:00Z'));
    },
  ]);
  cases.push([
    'ddb_requests_message_status',
    'delivery receipt of a known message',
    async () => {
      await deliver('POST /message-status', {
        message_id: 'ddb-msg-1',
        status: 'sent',
        timestamp: '2025-01-15T10:30:10Z',
      });
      return deliver('POST /message-status', {
        message_id: 'ddb-msg-1',
        status: 'delivered',
        error_code: null,
        timestamp: '2025-01-15T10:30:15Z',
      });
    },
  ]);
  cases.push([
    'ddb_requests_incoming_sms_auto_reply',
    'HELP: record, reply claim, reply sent and recorded, notification claimed',
    () =>
      deliver('POST /incoming-sms', {
        message_id: 'ddb-sms-1',
        from: '+15559876543',
        to: '+15551234567',
        body: 'HELP',
        timestamp: '2025-01-15T10:30:00Z',
        num_segments: 1,
        num_media: 0,
      }),
  ]);
  cases.push([
    'ddb_requests_incoming_sms',
    'no keyword: record, notification claimed',
    () =>
      deliver('POST /incoming-sms', {
        message_id: 'ddb-sms-2',
        from: '+15559876543',
        to: '+15551234567',
        body: 'thanks',
        timestamp: '2025-01-15T10:31:00Z',
        num_segments: 1,
        num_media: 0,
      }),
  ]);
  cases.push([
    'ddb_requests_video_event',
    'member joined a room',
    () =>
      deliver('POST /video/events', {
        event: 'member.joined',
        room_id: 'r-1',
        room_session_id: 'ddb-rs-1',
        room_name: 'bench',
        member_id: 'm-1',
        member_name: 'Alice',
        timestamp: '2025-01-15T10:30:05Z',
      }),
  ]);

  // The archive (one BatchWriteItem per SQS batch, whatever its size: every delivery's bytes and outcome) is the only
  // BatchWriteItem the worker makes. It is counted on its own line, as the issue asks, not per event.
  const metrics: Metrics = {};
  const archiveWrites: number[] = [];
  for (const [name, note, run] of cases) {
    const { BatchWriteItem: archive = 0, ...byCommand } = await run();
    archiveWrites.push(archive);
    const total = Object.values(byCommand).reduce((a, b) => a + b, 0);
    const detail = Object.entries(byCommand)
      .map(([command, n]) => `${n} ${command}`)
      .join(' + ');
    console.log(`${name.padEnd(38)} ${String(total).padStart(2)}  (${detail}; ${note}; + ${archive} archive write)`);
    metrics[name] = {
      value: total,
      unit: 'requests',
      budget: name === 'ddb_requests_in_order_event' ? '== 1' : '',
      note: `${detail}: ${note}`,
    };
  }
  const archivePerBatch = Math.max(...archiveWrites);
  console.log(
    `${'ddb_archive_requests_per_batch'.padEnd(38)} ${String(archivePerBatch).padStart(2)}  (BatchWriteItem, one per SQS batch of up to 10)`,
  );
  metrics.ddb_archive_requests_per_batch = {
    value: archivePerBatch,
    unit: 'requests',
    budget: '',
    note: 'one BatchWriteItem per SQS batch (up to 10 deliveries), not per event',
  };
  if (signalWire.created.length !== 1)
    throw new Error(`expected one auto-reply sent, the SignalWire stand-in saw ${signalWire.created.length}`);
  emitMetrics(metrics);
} finally {
  await signalWire.close();
  await emulators.stop();
}
