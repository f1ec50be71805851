import { createDeadLetterTools, type DeadLetter, type RedriveReport } from '../../lib/dlq/dead-letters';
import type { MoveReport } from '../../lib/dlq/redrive-all';
import { purgeDeadLetters } from '../../lib/dlq/purge-dead-letters';
import { createFailureStore } from '../../lib/store/failure-store';
import { CliError } from '../output';
import type { Target } from '../target';

const toolsFor = (target: Target) => createDeadLetterTools(target.sqs, target, createFailureStore(target.table));

export const listDeadLetters = (target: Target, limit?: number) => toolsFor(target).list(limit);

/** Re-sends the given messages (all when none given) to the main queue, deleting each only once re-sent. */
export const redriveDeadLetters = (target: Target, messageIds?: string[]) => toolsFor(target).redrive(messageIds);

/** Queues a copy of one dead letter (the original stays in the DLQ as evidence). */
export async function replayDeadLetter(target: Target, messageId: string | undefined) {
  if (!messageId) throw new CliError('usage: webhooks dlq replay <message_id>');
  const replayed = await toolsFor(target).replay(messageId);
  if (replayed === undefined) throw new CliError(`dead letter ${messageId} not found`);
  return replayed;
}

/** `dlq show <message_id>`: one dead letter with its whole envelope. */
export async function showDeadLetter(target: Target, messageId: string | undefined) {
  if (!messageId) throw new CliError('usage: webhooks dlq show <message_id>');
  const found = (await toolsFor(target).list()).find((letter) => letter.message_id === messageId);
  if (found === undefined) throw new CliError(`dead letter ${messageId} not found`);
  return found;
}

/** `dlq purge --yes`: deletes every dead letter (there is no undo, hence the flag). */
export async function purgeAllDeadLetters(target: Target, confirmed: boolean) {
  if (!confirmed) throw new CliError('dlq purge deletes every dead letter for good: add --yes to confirm');
  return purgeDeadLetters(target.sqs, target.deadLetterQueueUrl);
}

/** Readable `dlq list`: one row per dead letter, the envelope left to `dlq show`. */
export function deadLetterRows(letters: DeadLetter[]) {
  return letters.map(({ event: _event, ...row }) => row);
}

/** A redrive that did not re-send (or delete) every message it was asked to, or a move task that did not complete, is a failure for scripts. */
export function redriveExitCode(report: RedriveReport | MoveReport): number {
  if ('move_task' in report)
    return report.move_task.status === 'COMPLETED' && report.move_task.failure_reason === null ? 0 : 1;
  return report.failed.length > 0 || report.redriven_not_deleted.length > 0 ? 1 : 0;
}
