import type { ArchiveStore, ArchiveSummary } from './archive-store';

export interface FollowOptions {
  /** Start after this instant (ISO); default: now. */
  since?: string;
  pollMs?: number;
  /**
   * Concurrent workers stamp `processed_at` before their write lands, so an entry may become visible a little after
   * a later one: every poll looks back this far and skips what it already showed.
   */
  lookbackMs?: number;
  signal?: AbortSignal;
}

/**
 * Follows the archive index: yields each new verdict once (a delivery retried, then applied, shows twice), oldest
 * first, until the signal aborts. One Query per index shard per poll (twice that just after midnight UTC).
 */
export async function* followArchive(store: ArchiveStore, options: FollowOptions = {}): AsyncGenerator<ArchiveSummary> {
  const pollMs = options.pollMs ?? 250;
  const lookbackMs = options.lookbackMs ?? 3_000;
  let cursor = options.since ?? new Date().toISOString();
  const shown = new Map<string, number>();
  while (!options.signal?.aborted) {
    const after = new Date(Math.min(Date.parse(cursor), Date.now()) - lookbackMs).toISOString();
    const entries = await store.listProcessed(after < (options.since ?? '') ? options.since! : after);
    for (const entry of entries) {
      const key = `${entry.event_id}@${entry.processed_at}`;
      if (shown.has(key)) continue;
      shown.set(key, Date.parse(entry.processed_at));
      if (entry.processed_at > cursor) cursor = entry.processed_at;
      yield entry;
    }
    const forgetBefore = Date.parse(cursor) - 2 * lookbackMs;
    for (const [key, at] of shown) if (at < forgetBefore) shown.delete(key);
    await sleep(pollMs, options.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
