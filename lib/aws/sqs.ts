import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ChangeVisibility } from '../queue/change-visibility';
import type { SendMessage } from '../queue/send-message';
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
