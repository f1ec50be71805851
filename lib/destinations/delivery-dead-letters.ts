import { DependencyError } from '../errors';
import { deadLetterAttributes, type FailureReason } from '../queue/dead-letter-queue';
import type { SendMessage, SqsMessageAttribute } from '../queue/send-message';
import { sqsSafeText } from '../queue/sqs-characters';

/** Why a delivery job sits in the destinations DLQ: the failure, and the receiver's last answer when there was one. */
export interface DeliveryFailure extends FailureReason {
  /** Absent when the message is no job at all. */
  destination?: string;
  /** The last answer's HTTP status (absent: a timeout, a network error, a refusal before any request). */
  lastStatus?: number;
  /** The last answer's body, as far as it was read (lib/destinations/post-event.ts `maxBodyBytes`). */
  responseBody?: string;
}

export interface DeliveryDeadLetters {
  send(messageBody: string, failure: DeliveryFailure): Promise<void>;
}

/**
 * The destinations DLQ over SendMessage: the job as it was queued, with the webhook DLQ's reason attributes
 * (lib/queue/dead-letter-queue.ts, what `webhooks dlq list` reads) and `destination`, `last_status`, `response_body`.
 */
export function createDeliveryDeadLetters(sendMessage: SendMessage, dlqUrl: string): DeliveryDeadLetters {
  return {
    async send(messageBody, failure) {
      try {
        await sendMessage(dlqUrl, messageBody, deliveryFailureAttributes(failure));
      } catch (cause) {
        throw new DependencyError('could not dead-letter the delivery job', { cause });
      }
    },
  };
}

/** At most 4 KiB of the body (lib/destinations/post-event.ts reads no more) besides the webhook DLQ's attributes. */
function deliveryFailureAttributes(failure: DeliveryFailure): Record<string, SqsMessageAttribute> {
  return {
    ...deadLetterAttributes(failure),
    ...(failure.destination !== undefined &&
      failure.destination !== '' && {
        destination: { DataType: 'String', StringValue: sqsSafeText(failure.destination.slice(0, 100)) },
      }),
    ...(failure.lastStatus !== undefined && {
      last_status: { DataType: 'Number', StringValue: String(Math.trunc(failure.lastStatus)) },
    }),
    // SQS refuses an empty attribute value.
    ...(failure.responseBody !== undefined &&
      failure.responseBody !== '' && {
        response_body: { DataType: 'String', StringValue: sqsSafeText(failure.responseBody.slice(0, 4096)) },
      }),
  };
}
