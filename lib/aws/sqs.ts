import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
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
