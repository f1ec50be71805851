import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { withTimeout } from './timeout';

type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface EventSourceOptions {
  /** SQS, with the function's credentials (`pollerSqs`). */
  sqs: SQSClient;
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
  /**
   * Stops polling once the batches under way are handled and their deletes sent. The receives waiting for a first
   * message are let finish (up to FIRST_MESSAGE_WAIT_SECONDS), unless `abandonReceives`: then they are cancelled,
   * for when the queue goes away with the stack (the emulator's side of a cancelled receive may still take a message).
   */
  stop(options?: { abandonReceives?: boolean }): Promise<void>;
}

/**
 * How long a poller's receive waits for a first message. Lambda's pollers long-poll for up to 20 s; AWS answers such
 * a receive as soon as one message is there. The local emulator answers it only once MaxNumberOfMessages are taken or
 * the wait is over (docs/testing.md, local stack fidelity), so the first receive asks for one message: it returns as soon as
 * one arrives, as on AWS. The wait stays short because a receive nobody reads any more (its poller stopped, or its
 * process was killed) still takes a message when one arrives, and hides it for the visibility timeout: stop() lets
 * the receives under way finish, which takes at most this long.
 */
export const FIRST_MESSAGE_WAIT_SECONDS = 1;

/** The mapping's SQS client: the SDK's, with the function's credentials and region, at the emulator's endpoint. */
export function pollerSqs(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  region = 'us-east-1',
): SQSClient {
  return new SQSClient({ endpoint, region, credentials });
}

/**
 * Feeds a handler the way Lambda's SQS event source mapping does: batches of up to batchSize records, the
 * handler's partial batch response honoured (only successes deleted), a thrown error or timeout failing the
 * whole batch. Failed messages stay on the queue and come back after the visibility timeout with a higher
 * receive count; the queue's own redrive policy moves them to the DLQ after maxReceiveCount.
 * Each of `concurrency` pollers long-polls for a first message, then gathers the rest of its batch with short
 * receives until the batch is full or the batching window has passed.
 * Not emulated: Lambda's scaling of pollers with queue depth (we run `concurrency` of them from the start).
 */
export function startSqsEventSource(options: EventSourceOptions): EventSource {
  const stats = { batches: 0, deleted: 0, failed: 0 };
  let running = true;
  const abandon = new AbortController();
  const receiving = { ...options, abortSignal: abandon.signal };
  const pollers = Array.from({ length: options.concurrency }, () => poll(receiving, stats, () => running));
  return {
    stats,
    async stop({ abandonReceives = false } = {}) {
      running = false;
      if (abandonReceives) abandon.abort();
      await Promise.all(pollers);
    },
  };
}

/** The options a poller reads, with the signal that cancels its receives. */
type Polling = EventSourceOptions & { abortSignal: AbortSignal };

async function poll(options: Polling, stats: EventSource['stats'], isRunning: () => boolean): Promise<void> {
  // A batch's delete goes out while the poller receives the next one (Lambda's poller does not hold a function
  // instance for it either); stopping waits for the deletes still under way.
  const deletes = new Set<Promise<void>>();
  while (isRunning()) {
    const messages = await gatherBatch(options, isRunning);
    if (messages.length === 0) continue;
    stats.batches++;
    const failedIds = await invoke(options, messages);
    const succeeded = messages.filter((m) => !failedIds.has(m.MessageId!));
    stats.failed += failedIds.size;
    if (succeeded.length > 0) {
      const deleted: Promise<void> = deleteBatch(options, succeeded, stats).finally(() => deletes.delete(deleted));
      deletes.add(deleted);
    }
  }
  await Promise.all(deletes);
}

/**
 * A batch: a long poll for its first message, then short receives until it is full or the batching window, started
 * by the first message, has passed. A batch received while stopping is still handed to the handler (Lambda finishes
 * the batches it has taken when a mapping is disabled).
 */
async function gatherBatch(options: Polling, isRunning: () => boolean): Promise<Message[]> {
  const batch = await receive(options, 1, FIRST_MESSAGE_WAIT_SECONDS, isRunning);
  if (batch.length === 0) return batch;
  const deadline = Date.now() + options.batchWindowMs;
  while (batch.length < options.batchSize && Date.now() < deadline && isRunning()) {
    const received = await receive(options, options.batchSize - batch.length, 0, isRunning);
    batch.push(...received);
    if (received.length === 0) await sleep(Math.min(20, Math.max(0, deadline - Date.now())));
  }
  return batch;
}

async function receive(
  options: Polling,
  max: number,
  waitSeconds: number,
  isRunning: () => boolean,
): Promise<Message[]> {
  try {
    const { Messages } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        // Both spellings: AWS deprecated AttributeNames, the local emulator only knows that one.
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: options.abortSignal },
    );
    return Messages ?? [];
  } catch (error) {
    if (!isRunning()) return [];
    options.onError?.(error);
    // Not a busy loop when SQS refuses or is down: Lambda's poller backs off too.
    await sleep(100);
    return [];
  }
}

/** Deletes what the handler finished; an entry SQS did not delete comes back after the visibility timeout. */
async function deleteBatch(
  options: EventSourceOptions,
  messages: Message[],
  stats: EventSource['stats'],
): Promise<void> {
  try {
    const entries = messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! }));
    const { Successful = [], Failed = [] } = await options.sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: entries }),
    );
    stats.deleted += Successful.length;
    if (Failed.length > 0)
      options.onError?.(new Error(`DeleteMessageBatch: ${Failed.map((f) => `${f.Code}: ${f.Message}`).join('; ')}`));
  } catch (error) {
    options.onError?.(error);
  }
}

/** Returns the ids of the messages to leave on the queue. */
async function invoke(options: EventSourceOptions, messages: Message[]): Promise<Set<string>> {
  const all = new Set(messages.map((m) => m.MessageId!));
  try {
    const response = await withTimeout(
      Promise.resolve(options.handler({ Records: messages.map((m) => toRecord(m, options.queueArn)) })),
      options.timeoutMs,
    );
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
      Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [
        k,
        { dataType: v.DataType!, stringValue: v.StringValue },
      ]),
    ) as SQSRecord['messageAttributes'],
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    // arn:aws:sqs:<region>:<account>:<queue>
    awsRegion: queueArn.split(':')[3] || 'us-east-1',
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
