import { DeleteMessageCommand, SendMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import type { FailureStore } from '../store/failure-store';
import { sqsSafeJson } from '../queue/sqs-characters';
import { describeDeadLetter, type DeadLetter } from './describe-dead-letter';
import { dlqPages, release, type HeldMessage } from './dlq-pages';
import { redriveAll, type MoveReport } from './redrive-all';

export type { DeadLetter };

export interface DeadLetterTools {
  list(limit?: number): Promise<DeadLetter[]>;
  /** The given messages one by one, or (none given) the whole DLQ with SQS's move task. */
  redrive(messageIds?: string[]): Promise<RedriveReport | MoveReport>;
  /**
   * Queues a copy of a dead letter and leaves the original in the DLQ: a webhook envelope with a new event id
   * (`replay_of` the old one); with `replayKeepsBody`, the very body (a delivery job keeps its event's id, which its
   * receiver dedupes by), `replayed_as` then being the new message's id.
   */
  replay(messageId: string): Promise<{ message_id: string; replayed_as: string } | undefined>;
  /** Replays (as `replay` does) every dead letter `select` picks; the originals stay in the DLQ. */
  replayWhere(select: (letter: DeadLetter) => boolean): Promise<{ message_id: string; replayed_as: string }[]>;
}

export interface DeadLetterToolOptions {
  hideSeconds?: number;
  /** Replay re-queues the body as it is (the recordings and destinations DLQs: their jobs are idempotent). */
  replayKeepsBody?: boolean;
}

export interface RedriveReport {
  /** Re-sent, and deleted from the DLQ with a receipt handle that was still good. */
  redriven: string[];
  /** Re-sent but maybe still in the DLQ (the delete failed or its handle may have gone stale): never counted as redriven. */
  redriven_not_deleted: string[];
  /** Not re-sent (the send failed, or no such message in the DLQ). */
  failed: { message_id: string; error: string }[];
}

// Messages are hidden while we page through the DLQ; a receipt handle is only trusted well inside that time.
const HIDE_SECONDS = 300;

/**
 * Lists and redrives the DLQ with plain SQS calls, so it works on AWS and the local emulator alike. Listing and the
 * per-message redrive page through it with long polls until it is drained, hiding what they read and showing it
 * again at the end. A per-message redrive deletes a message right after re-sending it, with its fresh handle, and
 * reports it redriven only then: a crash in between duplicates (harmless: the worker is idempotent), never loses.
 */
export function createDeadLetterTools(
  sqs: SQSClient,
  urls: { queueUrl: string; deadLetterQueueUrl: string },
  failures: FailureStore,
  options: DeadLetterToolOptions = {},
): DeadLetterTools {
  const dlq = urls.deadLetterQueueUrl;
  const hideSeconds = options.hideSeconds ?? HIDE_SECONDS;
  const handleGoodForMs = hideSeconds * 1000 - Math.min(30_000, (hideSeconds * 1000) / 4);

  async function readAll(limit: number): Promise<HeldMessage[]> {
    const held: HeldMessage[] = [];
    for await (const page of dlqPages(sqs, dlq, { hideSeconds, limit })) held.push(...page);
    return held;
  }

  async function redriveOne({ message, receivedAt }: HeldMessage, report: RedriveReport): Promise<boolean> {
    const id = message.MessageId!;
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: urls.queueUrl, MessageBody: message.Body! }));
    } catch (error) {
      report.failed.push({ message_id: id, error: String(error) });
      return false;
    }
    // SQS accepts a delete with a stale handle without deleting: only a handle inside its hide counts.
    if (Date.now() - receivedAt > handleGoodForMs) {
      report.redriven_not_deleted.push(id);
      return false;
    }
    try {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: dlq, ReceiptHandle: message.ReceiptHandle! }));
      report.redriven.push(id);
      return true;
    } catch {
      report.redriven_not_deleted.push(id);
      return false;
    }
  }

  async function replayOne(message: Message): Promise<{ message_id: string; replayed_as: string }> {
    const messageId = message.MessageId!;
    if (options.replayKeepsBody) {
      const { MessageId } = await sqs.send(
        new SendMessageCommand({ QueueUrl: urls.queueUrl, MessageBody: message.Body ?? '' }),
      );
      return { message_id: messageId, replayed_as: MessageId ?? '' };
    }
    let envelope: { event_id?: string };
    try {
      envelope = JSON.parse(message.Body ?? '');
    } catch {
      throw new Error(`dead letter ${messageId} is not an envelope; only \`dlq redrive\` can re-send it`);
    }
    const eventId = randomUUID();
    const copy = { ...envelope, event_id: eventId, replay_of: envelope.event_id };
    await sqs.send(new SendMessageCommand({ QueueUrl: urls.queueUrl, MessageBody: sqsSafeJson(JSON.stringify(copy)) }));
    return { message_id: messageId, replayed_as: eventId };
  }

  return {
    async list(limit = 10_000) {
      const held = await readAll(limit);
      try {
        return await Promise.all(held.map((h) => describeDeadLetter(h.message, failures)));
      } finally {
        await release(sqs, dlq, held);
      }
    },

    async replay(messageId) {
      const held = await readAll(10_000);
      try {
        const message = held.find((h) => h.message.MessageId === messageId)?.message;
        return message === undefined ? undefined : await replayOne(message);
      } finally {
        await release(sqs, dlq, held);
      }
    },

    async replayWhere(select) {
      const held = await readAll(10_000);
      try {
        const letters = await Promise.all(held.map((h) => describeDeadLetter(h.message, failures)));
        const replayed: { message_id: string; replayed_as: string }[] = [];
        for (const [i, letter] of letters.entries())
          if (select(letter)) replayed.push(await replayOne(held[i]!.message));
        return replayed;
      } finally {
        await release(sqs, dlq, held);
      }
    },

    async redrive(messageIds) {
      if (messageIds === undefined) return redriveAll(sqs, urls);
      const wanted = new Set(messageIds);
      const report: RedriveReport = { redriven: [], redriven_not_deleted: [], failed: [] };
      const kept: HeldMessage[] = [];
      try {
        for await (const page of dlqPages(sqs, dlq, { hideSeconds, limit: 100_000 })) {
          for (const held of page) {
            const id = held.message.MessageId!;
            if (!wanted.has(id) || !(await redriveOne(held, report))) kept.push(held);
            wanted.delete(id);
          }
          if (wanted.size === 0) break;
        }
      } finally {
        await release(sqs, dlq, kept);
      }
      for (const id of wanted) report.failed.push({ message_id: id, error: 'not in the DLQ' });
      return report;
    },
  };
}
