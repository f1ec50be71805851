import { createDeadLetterTools, type DeadLetter, type RedriveReport } from '../../lib/dlq/dead-letters';
import type { MoveReport } from '../../lib/dlq/redrive-all';
import { purgeDeadLetters } from '../../lib/dlq/purge-dead-letters';
import { createFailureStore } from '../../lib/store/failure-store';
import { CliError } from '../output';
import { QUEUE_CHOICES, type QueueChoice, type Target } from '../target';

/** `--queue webhooks|recordings|destinations` (default webhooks): which DLQ, and which queue it redrives to. */
export function queueChoice(queue: string | undefined): QueueChoice {
  if (queue === undefined) return 'webhooks';
  const choice = QUEUE_CHOICES.find((name) => name === queue);
  if (choice === undefined) throw new CliError(`--queue must be one of ${QUEUE_CHOICES.join(', ')}, got "${queue}"`);
  return choice;
}

/**
 * The DLQ tools on the chosen pair. A recording's copy job and a delivery job are replayed as they are (their
 * handlers are idempotent, and a delivery keeps its event's id, which its receiver dedupes by); a webhook envelope
 * gets a new event id.
 */
async function toolsFor(target: Target, queue: string | undefined) {
  const choice = queueChoice(queue);
  const urls = await target.queues(choice);
  const tools = createDeadLetterTools(target.sqs, urls, createFailureStore(target.table), {
    replayKeepsBody: choice !== 'webhooks',
  });
  return { tools, urls };
}

export const listDeadLetters = async (target: Target, limit?: number, queue?: string) =>
  (await toolsFor(target, queue)).tools.list(limit);

/** Re-sends the given messages (all when none given) to the main queue, deleting each only once re-sent. */
export const redriveDeadLetters = async (target: Target, messageIds?: string[], queue?: string) =>
  (await toolsFor(target, queue)).tools.redrive(messageIds);

/** Queues a copy of one dead letter (the original stays in the DLQ as evidence). */
export async function replayDeadLetter(target: Target, messageId: string | undefined, queue?: string) {
  if (!messageId) throw new CliError('usage: webhooks dlq replay <message_id> [--queue Q]');
  const replayed = await (await toolsFor(target, queue)).tools.replay(messageId);
  if (replayed === undefined) throw new CliError(`dead letter ${messageId} not found`);
  return replayed;
}

/** `dlq show <message_id>`: one dead letter with its whole envelope (or delivery job). */
export async function showDeadLetter(target: Target, messageId: string | undefined, queue?: string) {
  if (!messageId) throw new CliError('usage: webhooks dlq show <message_id> [--queue Q]');
  const found = (await listDeadLetters(target, undefined, queue)).find((letter) => letter.message_id === messageId);
  if (found === undefined) throw new CliError(`dead letter ${messageId} not found`);
  return found;
}

/** `dlq purge --yes`: deletes every dead letter (there is no undo, hence the flag). */
export async function purgeAllDeadLetters(target: Target, confirmed: boolean, queue?: string) {
  if (!confirmed) throw new CliError('dlq purge deletes every dead letter for good: add --yes to confirm');
  const { urls } = await toolsFor(target, queue);
  return purgeDeadLetters(target.sqs, urls.deadLetterQueueUrl);
}

/** A delivery's receiver body, as a `dlq list` row shows it: its start, on one line (`dlq show` has it whole). */
const RESPONSE_BODY_IN_ROW = 80;

/** Readable `dlq list`: one row per dead letter, the envelope left to `dlq show`. */
export function deadLetterRows(letters: DeadLetter[]) {
  return letters.map(({ event: _event, response_body, ...row }) => ({
    ...row,
    ...(response_body !== undefined && {
      response_body: response_body.replace(/\s+/g, ' ').slice(0, RESPONSE_BODY_IN_ROW),
    }),
  }));
}

/** A redrive that did not re-send (or delete) every message it was asked to, or a move task that did not complete, is a failure for scripts. */
export function redriveExitCode(report: RedriveReport | MoveReport): number {
  if ('move_task' in report)
    return report.move_task.status === 'COMPLETED' && report.move_task.failure_reason === null ? 0 : 1;
  return report.failed.length > 0 || report.redriven_not_deleted.length > 0 ? 1 : 0;
}
