import type { SendMessage, SqsMessageAttribute } from './send-message';
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
export function deadLetterAttributes(failure: FailureReason, now = new Date()): Record<string, SqsMessageAttribute> {
  return {
    failure_reason: text(failure.reason.slice(0, 1000)),
    failure_category: text(failure.category),
    failed_at: text(now.toISOString()),
    attempts: { DataType: 'Number', StringValue: String(Math.trunc(failure.attempts)).slice(0, 20) },
    source_message_id: text(failure.sourceMessageId.slice(0, 100)),
  };
}

/** The DLQ over SendMessage. */
export function createDeadLetterQueue(sendMessage: SendMessage, dlqUrl: string): DeadLetterQueue {
  return {
    async send(messageBody, failure) {
      const attributes = deadLetterAttributes(failure);
      try {
        await sendMessage(dlqUrl, messageBody, attributes);
      } catch (cause) {
        throw new DependencyError('could not dead-letter the message', { cause });
      }
    },
  };
}

// A reason may quote a payload value: characters SQS refuses would lose the whole dead letter.
const text = (value: string): SqsMessageAttribute => ({ DataType: 'String', StringValue: sqsSafeText(value) });
