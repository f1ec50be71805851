import type { Message } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createAwsJsonClient, type AwsJsonCall } from '../lib/aws/aws-json-client';
import { withTimeout } from './timeout';

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface EventSourceOptions {
  /** SQS, with the function's credentials (`pollerSqs`). */
  sqs: AwsJsonCall;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  /** Like the mapping's maximumBatchingWindow: gather up to batchSize messages for at most this long. */
  batchWindowMs: number;
  /** Pollers running at once, like the mapping's maximumConcurrency. */
  concurrency: number;
  reportBatchItemFailures: boolean;
  timeoutMs: number;
  handler: SqsHandler;
  onError?(error: unknown): void;
}

export interface EventSource {
  /** Batches handed to the handler so far (for tests and the benchmark). */
  readonly stats: { batches: number; deleted: number; failed: number };
  stop(): Promise<void>;
}

/**
 * The mapping's SQS calls (ReceiveMessage, DeleteMessageBatch) as signed JSON requests (lib/aws/aws-json-client.ts):
 * on AWS the poller is Lambda's, not the function's, and costs it nothing; here it shares the cores with the stack,
 * and the SDK client's per-call overhead was a tenth of the worker thread's CPU.
 */
export function pollerSqs(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }, region = 'us-east-1'): AwsJsonCall {
  return createAwsJsonClient({ service: 'sqs', targetPrefix: 'AmazonSQS', credentials: async () => credentials, region, endpoint });
}

/**
 * Feeds a handler the way Lambda's SQS event source mapping does: batches of up to batchSize records, the
 * handler's partial batch response honoured (only successes deleted), a thrown error or timeout failing the
 * whole batch. Failed messages stay on the queue and come back after the visibility timeout with a higher
 * receive count; the queue's own redrive policy moves them to the DLQ after maxReceiveCount.
 * Not emulated: Lambda's scaling of pollers with queue depth (we run `concurrency` of them from the start).
 */
export function startSqsEventSource(options: EventSourceOptions): EventSource {
  const stats = { batches: 0, deleted: 0, failed: 0 };
  let running = true;
  const pollers = Array.from({ length: options.concurrency }, () => poll(options, stats, () => running));
  return {
    stats,
    async stop() {
      running = false;
      await Promise.all(pollers);
    },
  };
}

async function poll(options: EventSourceOptions, stats: EventSource['stats'], isRunning: () => boolean): Promise<void> {
  // A batch's delete goes out while the poller receives the next one (Lambda's poller does not hold a function
  // instance for it either); stopping waits for the deletes still under way.
  const deletes = new Set<Promise<void>>();
  while (isRunning()) {
    const messages = await gatherBatch(options, isRunning);
    if (messages.length === 0) {
      await sleep(25);
      continue;
    }
    stats.batches++;
    const failedIds = await invoke(options, messages);
    const succeeded = messages.filter((m) => !failedIds.has(m.MessageId!));
    stats.failed += failedIds.size;
    if (succeeded.length > 0) {
      const deleted: Promise<void> = options
        .sqs('DeleteMessageBatch', { QueueUrl: options.queueUrl, Entries: succeeded.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) })
        .then(() => void (stats.deleted += succeeded.length))
        .catch((error: unknown) => options.onError?.(error))
        .finally(() => deletes.delete(deleted));
      deletes.add(deleted);
    }
  }
  await Promise.all(deletes);
}

/** Receives until the batch is full or the batching window, started by the first message, has passed. */
async function gatherBatch(options: EventSourceOptions, isRunning: () => boolean): Promise<Message[]> {
  const batch: Message[] = [];
  let deadline = Infinity;
  while (batch.length < options.batchSize && Date.now() < deadline && isRunning()) {
    const received = await receive(options, options.batchSize - batch.length, isRunning);
    if (received.length > 0) {
      batch.push(...received);
      if (deadline === Infinity) deadline = Date.now() + options.batchWindowMs;
    } else if (batch.length === 0) {
      return batch;
    } else {
      await sleep(Math.min(20, Math.max(0, deadline - Date.now())));
    }
  }
  return batch;
}

async function receive(options: EventSourceOptions, max: number, isRunning: () => boolean): Promise<Message[]> {
  try {
    const received = await options.sqs('ReceiveMessage', {
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: max,
      // Short polls: this emulator holds a long poll open until it is full, which would add seconds of latency.
      WaitTimeSeconds: 0,
      // Both spellings: AWS deprecated AttributeNames, the local emulator only knows that one.
      AttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
    return (received.Messages as Message[] | undefined) ?? [];
  } catch (error) {
    if (isRunning()) options.onError?.(error);
    return [];
  }
}

/** Returns the ids of the messages to leave on the queue. */
async function invoke(options: EventSourceOptions, messages: Message[]): Promise<Set<string>> {
  const all = new Set(messages.map((m) => m.MessageId!));
  try {
    const response = await withTimeout(Promise.resolve(options.handler({ Records: messages.map((m) => toRecord(m, options.queueArn)) })), options.timeoutMs);
    if (!options.reportBatchItemFailures || !response?.batchItemFailures) return new Set();
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    // Lambda treats an empty or unknown identifier as a failure of the whole batch.
    for (const id of failed) if (!id || !all.has(id)) return all;
    return failed;
  } catch (error) {
    options.onError?.(error);
    return all;
  }
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const a = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, { dataType: v.DataType!, stringValue: v.StringValue }]),
    ) as SQSRecord['messageAttributes'],
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
