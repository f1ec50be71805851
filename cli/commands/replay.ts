import { createArchiveStore } from '../../lib/archive/archive-store';
import { replayMany, replayOne, selectRange } from '../../lib/archive/replay-archive';
import { createReplayQueue } from '../../lib/archive/replay-queue';
import { CliError } from '../output';
import { sinceOption } from '../since';
import type { Target } from '../target';
import { progressBar } from './progress-bar';

export interface ReplayOptions {
  since?: string;
  until?: string;
  kind?: string;
}

/**
 * `webhooks replay <event_id>` or `--since ISO [--until ISO] [--kind K]`: queues archived deliveries again. The
 * worker's idempotency decides what they change: nothing for an event that was applied, the lost state otherwise.
 */
export async function replayArchived(target: Target, eventId: string | undefined, options: ReplayOptions) {
  const store = createArchiveStore(target.table);
  const queue = createReplayQueue(target.sqs, target.queueUrl);
  if (eventId !== undefined) {
    if (options.since !== undefined || options.until !== undefined || options.kind !== undefined) {
      throw new CliError('replay takes an event id or --since [--until] [--kind], not both');
    }
    const replayed = await replayOne(store, queue, eventId);
    if (replayed === undefined) throw new CliError(`event ${eventId} is not in the archive`);
    return { queued: [replayed] };
  }
  if (options.since === undefined)
    throw new CliError('usage: webhooks replay <event_id> | --since ISO [--until ISO] [--kind K]');
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
