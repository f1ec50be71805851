import type { SendMessage } from './send-message';
import { DependencyError } from '../errors';
import { MAX_QUEUED_BODY_BYTES, sqsMessageBytes } from './message-size';
import { sqsSafeJson } from './sqs-characters';

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

/** The webhook queue over a SendMessage (the ingest's, and the SWML function's journal). */
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
