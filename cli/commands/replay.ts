import { createArchiveStore } from '../../lib/archive/archive-store';
import { replayMany, replayOne, selectRange } from '../../lib/archive/replay-archive';
import { createReplayQueue } from '../../lib/archive/replay-queue';
import { createDeadLetterTools, type DeadLetter } from '../../lib/dlq/dead-letters';
import { createFailureStore } from '../../lib/store/failure-store';
import { CliError } from '../output';
import { sinceOption } from '../since';
import type { Target } from '../target';
import { queueChoice } from './dlq';
import { progressBar } from './progress-bar';

export interface ReplayOptions {
  since?: string;
  until?: string;
  kind?: string;
  queue?: string;
}

/**
 * `webhooks replay <event_id>` or `--since ISO [--until ISO] [--kind K]`: queues archived deliveries again. The
 * worker's idempotency decides what they change: nothing for an event that was applied, the lost state otherwise.
 * With `--queue recordings|destinations`, the jobs of that DLQ are queued again instead (the originals stay there).
 */
export async function replayArchived(target: Target, eventId: string | undefined, options: ReplayOptions) {
  if (eventId !== undefined) {
    if (options.since !== undefined || options.until !== undefined || options.kind !== undefined) {
      throw new CliError('replay takes an event id or --since [--until] [--kind], not both');
    }
  } else if (options.since === undefined) {
    throw new CliError('usage: webhooks replay <event_id> | --since ISO [--until ISO] [--kind K] [--queue Q]');
  }
  if (queueChoice(options.queue) !== 'webhooks') return replayDeadLettered(target, eventId, options);
  const store = createArchiveStore(target.table);
  const queue = createReplayQueue(target.sqs, target.queueUrl);
  if (eventId !== undefined) {
    const replayed = await replayOne(store, queue, eventId);
    if (replayed === undefined) throw new CliError(`event ${eventId} is not in the archive`);
    return { queued: [replayed] };
  }
  const since = sinceOption(options.since);
  const until = options.until === undefined ? undefined : sinceOption(options.until);
  const eventIds = await selectRange(store, { since, until, kind: options.kind });
  const bar = progressBar(eventIds.length);
  try {
    return { queued: await replayMany(store, queue, eventIds, bar.update) };
  } finally {
    bar.done();
  }
}

/**
 * The recordings and destinations queues have no archive: their DLQ is the record. `<event_id>` picks its dead letters
 * (a delivery job's is its domain event's id: one for each destination it failed at); `--since`/`--until` pick the
 * ones that failed then, `--kind` narrows them to one event type. Each goes back on its queue unchanged.
 */
async function replayDeadLettered(target: Target, eventId: string | undefined, options: ReplayOptions) {
  const choice = queueChoice(options.queue);
  const tools = createDeadLetterTools(target.sqs, await target.queues(choice), createFailureStore(target.table), {
    replayKeepsBody: true,
  });
  let select: (letter: DeadLetter) => boolean;
  if (eventId !== undefined) select = (letter) => letter.event_id === eventId;
  else {
    const since = sinceOption(options.since);
    const until = options.until === undefined ? undefined : sinceOption(options.until);
    select = (letter) =>
      letter.failed_at !== null &&
      letter.failed_at >= since &&
      (until === undefined || letter.failed_at < until) &&
      (options.kind === undefined || letter.kind === options.kind);
  }
  const queued = await tools.replayWhere(select);
  if (eventId !== undefined && queued.length === 0)
    throw new CliError(`event ${eventId} has no dead letter in the ${choice} DLQ`);
  return { queued };
}
