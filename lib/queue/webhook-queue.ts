import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DependencyError } from '../errors';
import { sqsSafeJson } from './sqs-characters';

/** SQS's message size limit (1 MiB since 2025); an envelope larger than this cannot be queued. */
export const SQS_MAX_MESSAGE_BYTES = 1024 * 1024;

export interface WebhookQueue {
  /** Queues a serialized (JSON) envelope; resolves only once SQS has durably accepted the message. */
  send(messageBody: string): Promise<void>;
}

export function createWebhookQueue(sqs: SQSClient, queueUrl: string): WebhookQueue {
  return {
    async send(messageBody) {
      try {
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: sqsSafeJson(messageBody) }));
      } catch (cause) {
        throw new DependencyError('could not enqueue the webhook', { cause });
      }
    },
  };
}
