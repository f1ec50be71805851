import { createArchiveStore, type ArchiveSummary } from '../../lib/archive/archive-store';
import { followArchive } from '../../lib/archive/follow-archive';
import type { Target } from '../target';

export interface TailOptions {
  json: boolean;
  kind?: string;
  /** Start from this instant (default: now). */
  since?: string;
  signal?: AbortSignal;
  write?: (text: string) => void;
  pollMs?: number;
}

/**
 * `webhooks tail`: every verdict the worker files from now on, one line each (`--json`: one object per line),
 * until Ctrl-C. Reads the archive index only, so it works the same on the local stack and a deployed stage.
 */
export async function tailArchive(target: Target, options: TailOptions): Promise<void> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const controller = new AbortController();
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    process.stderr.write(
      `following deliveries on stage ${target.stage} from ${options.since ?? 'now'} (Ctrl-C stops)\n`,
    );
    const follow = followArchive(createArchiveStore(target.table), {
      since: options.since,
      signal: controller.signal,
      pollMs: options.pollMs,
    });
    for await (const entry of follow) {
      if (!matchesKind(entry.kind, options.kind)) continue;
      write(options.json ? `${JSON.stringify(entry)}\n` : `${tailLine(entry)}\n`);
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** `--kind call` matches `call.status`, `--kind message.status` only that kind. */
function matchesKind(kind: string, wanted: string | undefined): boolean {
  return wanted === undefined || kind === wanted || kind.startsWith(`${wanted}.`);
}

function tailLine(entry: ArchiveSummary): string {
  const time = entry.processed_at.slice(11, 23);
  const reason = entry.reason ? `  ${entry.reason}` : '';
  const replay = entry.replay_of ? `  (replay of ${entry.replay_of})` : '';
  // Not a delivery: what the reconciler learned from SignalWire's REST API (lib/reconcile/).
  const reconciled = entry.source === 'reconcile' ? '  [reconciled]' : '';
  return `${time}  ${entry.kind.padEnd(16)} ${entry.status.padEnd(13)} ${(entry.natural_key ?? '-').padEnd(40)} ${entry.outcome}  ${entry.event_id}${reconciled}${replay}${reason}`;
}
