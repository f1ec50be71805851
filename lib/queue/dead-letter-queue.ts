import { SendMessageCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';
import { DependencyError } from '../errors';
import { sqsSafeText } from './sqs-characters';

/** Why a message sits in the DLQ; travels as message attributes so `webhooks dlq list` shows it beside the message. */
export interface FailureReason {
  reason: string;
  /** `invalid`: can never succeed (dead-lettered at once); `exhausted`: failed on every allowed delivery. */
  category: 'invalid' | 'exhausted';
  attempts: number;
  sourceMessageId: string;
}

export interface DeadLetterQueue {
  send(messageBody: string, failure: FailureReason): Promise<void>;
}

/** The reason attributes of a dead letter: bounded, so a queued message with them always fits (lib/queue/message-size.ts). */
export function deadLetterAttributes(failure: FailureReason, now = new Date()): Record<string, MessageAttributeValue> {
  return {
    failure_reason: text(failure.reason.slice(0, 1000)),
    failure_category: text(failure.category),
    failed_at: text(now.toISOString()),
    attempts: { DataType: 'Number', StringValue: String(Math.trunc(failure.attempts)).slice(0, 20) },
    source_message_id: text(failure.sourceMessageId.slice(0, 100)),
  };
}

export function createDeadLetterQueue(sqs: SQSClient, dlqUrl: string): DeadLetterQueue {
  return {
    async send(messageBody, failure) {
      const attributes = deadLetterAttributes(failure);
      try {
        await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: messageBody, MessageAttributes: attributes }));
      } catch (cause) {
        throw new DependencyError('could not dead-letter the message', { cause });
      }
    },
  };
}

// A reason may quote a payload value: characters SQS refuses would lose the whole dead letter.
const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: sqsSafeText(value) });
