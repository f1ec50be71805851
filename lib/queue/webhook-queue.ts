import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SendMessage } from '../aws/sqs-send-message';
import { DependencyError } from '../errors';
import { MAX_QUEUED_BODY_BYTES, sqsMessageBytes } from './message-size';
import { sqsSafeJson } from './sqs-characters';

export { SQS_MAX_MESSAGE_BYTES } from './message-size';

/**
 * The exact message body `send` puts on the queue for a serialized envelope (escaped for SQS: U+FFFE and U+FFFF
 * take 6 bytes instead of 3), or undefined when it would not leave room for the reason attributes of its dead letter.
 */
export function queuedMessageBody(messageBody: string): string | undefined {
  const body = sqsSafeJson(messageBody);
  return sqsMessageBytes(body) > MAX_QUEUED_BODY_BYTES ? undefined : body;
}

export interface WebhookQueue {
  /** Queues a serialized (JSON) envelope, made SQS-safe (idempotent); resolves only once SQS has durably accepted it. */
  send(messageBody: string): Promise<void>;
}

/** The queue over the SDK's SQS client (the SWML function's journal, tests). */
export function createWebhookQueue(sqs: SQSClient, queueUrl: string): WebhookQueue {
  return webhookQueueOver(async (url, body) => void (await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }))), queueUrl);
}

/** The queue over any SendMessage, e.g. the ingest's lean one (lib/aws/sqs-send-message.ts). */
export function webhookQueueOver(sendMessage: SendMessage, queueUrl: string): WebhookQueue {
  return {
    async send(messageBody) {
      try {
        await sendMessage(queueUrl, sqsSafeJson(messageBody));
      } catch (cause) {
        throw new DependencyError('could not enqueue the webhook', { cause });
      }
    },
  };
}
