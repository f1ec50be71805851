import { errorMessage } from '../errors';
import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { ChangeVisibility } from '../queue/change-visibility';
import type { SendMessage, SendMessages } from '../queue/send-message';
import type { ClientBudget } from '../config/client-budget';
import { clientSettings } from './client-settings';

export const createSqsClient = (budget: ClientBudget) => new SQSClient(clientSettings(budget));

/** SendMessage through the SDK's SQS client. */
export function sendMessageWith(client: SQSClient): SendMessage {
  return async (queueUrl, messageBody, attributes) => {
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: messageBody,
        ...(attributes && { MessageAttributes: attributes }),
      }),
    );
  };
}

/** SQS takes at most 10 messages per SendMessageBatch (and 1 MiB in all: far above what 10 events weigh). */
const BATCH_ENTRIES = 10;

/**
 * SendMessageBatch through the SDK's SQS client, 10 messages a request. SQS answers 200 even when some entries
 * failed: those are sent once more. What SQS still does not hold (those, or a whole request the SDK gave up on) is
 * answered by index, so the caller retries only theirs.
 */
export function sendMessagesWith(client: SQSClient): SendMessages {
  return async (queueUrl, bodies) => {
    const requests: number[][] = [];
    for (let i = 0; i < bodies.length; i += BATCH_ENTRIES)
      requests.push(bodies.slice(i, i + BATCH_ENTRIES).map((_, j) => i + j));
    const results = await Promise.all(requests.map((indexes) => sendBatch(client, queueUrl, bodies, indexes, 1)));
    const reasons = results.flatMap((r) => (r.reason ? [r.reason] : []));
    return { failed: results.flatMap((r) => r.failed), ...(reasons.length > 0 && { reason: reasons.join('; ') }) };
  };
}

async function sendBatch(
  client: SQSClient,
  queueUrl: string,
  bodies: string[],
  indexes: number[],
  retries: number,
): Promise<{ failed: number[]; reason?: string }> {
  let Failed: { Id?: string; Code?: string; SenderFault?: boolean }[];
  try {
    ({ Failed = [] } = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: indexes.map((index) => ({ Id: String(index), MessageBody: bodies[index]! })),
      }),
    ));
  } catch (error) {
    return { failed: indexes, reason: `SendMessageBatch failed: ${errorMessage(error)}` };
  }
  if (Failed.length === 0) return { failed: [] };
  const failed = Failed.map((f) => Number(f.Id));
  if (retries > 0 && Failed.every((f) => !f.SenderFault))
    return sendBatch(client, queueUrl, bodies, failed, retries - 1);
  return {
    failed,
    reason: `SendMessageBatch refused ${failed.length} of ${indexes.length} (${Failed.map((f) => f.Code).join(', ')})`,
  };
}

/** ChangeMessageVisibility on one queue through the SDK's SQS client. */
export function changeVisibilityWith(client: SQSClient, queueUrl: string): ChangeVisibility {
  return async (receiptHandle, seconds) => {
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  };
}
