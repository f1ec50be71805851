import type { ArchiveStore, ArchiveSummary } from '../lib/archive/archive-store';
import { followArchive } from '../lib/archive/follow-archive';

export interface FeedItem {
  seq: number;
  entry: ArchiveSummary;
}

export interface FeedBuffer {
  /** Items newer than `afterSeq`, newest first. */
  since(afterSeq: number): FeedItem[];
  lastSeq(): number;
  stop(): Promise<void>;
}

const KEEP = 500;

/**
 * The console's live feed: the latest verdicts from the archive index, then every new one as `followArchive` sees
 * it, numbered so a page asks only for what it has not shown. One poller per console, whatever the number of tabs.
 */
export async function startFeedBuffer(
  store: ArchiveStore,
  options: { initial?: number; pollMs?: number; onError?: (e: unknown) => void } = {},
): Promise<FeedBuffer> {
  const items: FeedItem[] = [];
  const seen = new Set<string>();
  let seq = 0;
  const add = (entry: ArchiveSummary) => {
    const key = `${entry.event_id}@${entry.processed_at}`;
    if (seen.has(key)) return;
    seen.add(key);
    items.push({ seq: ++seq, entry });
    if (items.length > KEEP) seen.delete(`${items[0]!.entry.event_id}@${items.shift()!.entry.processed_at}`);
  };
  const latest = await store.latest(options.initial ?? 50);
  for (const entry of latest.reverse()) add(entry);
  const controller = new AbortController();
  const since = latest.at(-1)?.processed_at ?? new Date().toISOString();
  const loop = (async () => {
    while (!controller.signal.aborted) {
      try {
        for await (const entry of followArchive(store, {
          since,
          pollMs: options.pollMs ?? 500,
          signal: controller.signal,
        }))
          add(entry);
      } catch (error) {
        options.onError?.(error);
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  })();
  return {
    since: (afterSeq) => items.filter((item) => item.seq > afterSeq).reverse(),
    lastSeq: () => seq,
    async stop() {
      controller.abort();
      await loop;
    },
  };
}
