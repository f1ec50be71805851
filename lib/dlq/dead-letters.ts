import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import type { FailureStore } from '../store/failure-store';
import { describeDeadLetter, type DeadLetter } from './describe-dead-letter';

export type { DeadLetter };

export interface DeadLetterTools {
  list(limit?: number): Promise<DeadLetter[]>;
  redrive(messageIds?: string[]): Promise<RedriveReport>;
  /** Queues a copy of a dead letter (new event id, `replay_of` the old one) and leaves the original in the DLQ. */
  replay(messageId: string): Promise<{ message_id: string; replayed_as: string } | undefined>;
}

export interface RedriveReport {
  redriven: string[];
  /** Re-sent but still in the DLQ (delete failed): listed so nobody re-sends them twice by surprise. */
  redriven_not_deleted: string[];
  failed: { message_id: string; error: string }[];
}

const PEEK_SECONDS = 30;

/**
 * Lists and redrives the DLQ with plain SQS calls, so it works on AWS and the local emulator alike. Listing hides
 * messages for a moment while it pages through them, then makes them visible again. Redrive deletes a message
 * only after it was re-sent to the main queue, so a crash in between duplicates (harmless: the worker is
 * idempotent) but never loses one.
 */
export function createDeadLetterTools(sqs: SQSClient, urls: { queueUrl: string; deadLetterQueueUrl: string }, failures: FailureStore): DeadLetterTools {
  async function receiveAll(limit: number): Promise<Message[]> {
    const messages = new Map<string, Message>();
    while (messages.size < limit) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: urls.deadLetterQueueUrl,
          MaxNumberOfMessages: Math.min(10, limit - messages.size),
          VisibilityTimeout: PEEK_SECONDS,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          // Both spellings: AWS deprecated AttributeNames, the local emulator only knows that one.
          AttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      const fresh = Messages.filter((m) => !messages.has(m.MessageId!));
      if (fresh.length === 0) break;
      for (const m of fresh) messages.set(m.MessageId!, m);
    }
    return [...messages.values()];
  }

  async function release(messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const entries = messages.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
      await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: urls.deadLetterQueueUrl, Entries: entries }));
    }
  }

  return {
    async list(limit = 1000) {
      const messages = await receiveAll(limit);
      try {
        return await Promise.all(messages.map((m) => describeDeadLetter(m, failures)));
      } finally {
        await release(messages);
      }
    },

    async replay(messageId) {
      const messages = await receiveAll(10_000);
      try {
        const message = messages.find((m) => m.MessageId === messageId);
        if (message === undefined) return undefined;
        let envelope: { event_id?: string };
        try {
          envelope = JSON.parse(message.Body ?? '');
        } catch {
          throw new Error(`dead letter ${messageId} is not an envelope; only \`dlq redrive\` can re-send it`);
        }
        const eventId = randomUUID();
        const copy = { ...envelope, event_id: eventId, replay_of: envelope.event_id };
        await sqs.send(new SendMessageCommand({ QueueUrl: urls.queueUrl, MessageBody: JSON.stringify(copy) }));
        return { message_id: messageId, replayed_as: eventId };
      } finally {
        await release(messages);
      }
    },

    async redrive(messageIds) {
      const messages = await receiveAll(10_000);
      const wanted = messageIds === undefined ? messages : messages.filter((m) => messageIds.includes(m.MessageId!));
      const report: RedriveReport = { redriven: [], redriven_not_deleted: [], failed: [] };
      for (const message of wanted) {
        const id = message.MessageId!;
        try {
          await sqs.send(new SendMessageCommand({ QueueUrl: urls.queueUrl, MessageBody: message.Body! }));
        } catch (error) {
          report.failed.push({ message_id: id, error: String(error) });
          continue;
        }
        try {
          await sqs.send(new DeleteMessageCommand({ QueueUrl: urls.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle! }));
          report.redriven.push(id);
        } catch {
          report.redriven_not_deleted.push(id);
        }
      }
      await release(messages.filter((m) => !report.redriven.includes(m.MessageId!)));
      return report;
    },
  };
}
