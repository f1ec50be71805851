import { createDeadLetterTools } from '../../lib/dlq/dead-letters';
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
