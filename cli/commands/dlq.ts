import { createDeadLetterTools } from '../../lib/dlq/dead-letters';
import { createFailureStore } from '../../lib/store/failure-store';
import type { Target } from '../target';

const toolsFor = (target: Target) => createDeadLetterTools(target.sqs, target, createFailureStore(target.table));

export const listDeadLetters = (target: Target, limit?: number) => toolsFor(target).list(limit);

/** Re-sends the given messages (all when none given) to the main queue, deleting each only once re-sent. */
export const redriveDeadLetters = (target: Target, messageIds?: string[]) => toolsFor(target).redrive(messageIds);
