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
 * failed: those are sent once more, and what still fails rejects, naming the codes, so the caller retries.
 */
export function sendMessagesWith(client: SQSClient): SendMessages {
  return async (queueUrl, bodies) => {
    const requests: string[][] = [];
    for (let i = 0; i < bodies.length; i += BATCH_ENTRIES) requests.push(bodies.slice(i, i + BATCH_ENTRIES));
    await Promise.all(requests.map((batch) => sendBatch(client, queueUrl, batch, 1)));
  };
}

async function sendBatch(client: SQSClient, queueUrl: string, bodies: string[], retries: number): Promise<void> {
  const { Failed = [] } = await client.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: body })),
    }),
  );
  if (Failed.length === 0) return;
  const failed = Failed.map((f) => bodies[Number(f.Id)]!);
  if (retries > 0 && Failed.every((f) => !f.SenderFault)) return sendBatch(client, queueUrl, failed, retries - 1);
  throw new Error(
    `SendMessageBatch refused ${failed.length} of ${bodies.length} (${Failed.map((f) => f.Code).join(', ')})`,
  );
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
