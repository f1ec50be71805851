import { once } from 'node:events';
import type { FaultCounts, FaultKind, FaultRates } from './fault-proxy';
import { startTypeScriptThread } from '../local/typescript-thread';

/**
 * Uploads S3 completed through its proxy, by object key: `completed` (the object written), `delivered` (of those, the
 * answer reached the caller; the others' answers were dropped).
 */
export type UploadCounts = Record<string, { completed: number; delivered: number }>;

export interface ProxyThread {
  /** Each proxy's address, by name. */
  endpoints: Record<string, string>;
  /** Points a proxy at its dependency; resolves once the proxy forwards there. */
  setTarget(name: string, url: string): Promise<void>;
  /** The faults injected so far, by proxy and kind. */
  counts(): Promise<FaultCounts>;
  /** The uploads counted by the proxy `uploadsThrough` names, so far. */
  uploads(): Promise<UploadCounts>;
  /** Closes every proxy and ends the thread; resolves to the final counts. */
  close(): Promise<{ counts: FaultCounts; uploads: UploadCounts }>;
}

/**
 * The fault proxies (chaos/fault-proxy.ts) in a worker thread of their own, like the network they stand for: their
 * event loop is not the one that runs the sender, the API gateway and the oracle, so a busy harness does not slow
 * the worker's DynamoDB and SQS calls beyond the faults themselves.
 */
export async function startProxyThread(options: {
  names: string[];
  /** Proxies that stream answers through (chaos/fault-proxy.ts, `stream`) instead of reading them whole first. */
  streaming?: string[];
  /** The proxy in front of S3, whose completed uploads are counted by key. */
  uploadsThrough?: string;
  rates: FaultRates;
  latencyMs: number;
  seed: number;
  /** The fault of a proxy's first request, by name (chaos/fault-proxy.ts, `firstFault`). */
  firstFaults?: Record<string, FaultKind>;
}): Promise<ProxyThread> {
  const worker = startTypeScriptThread(new URL('./proxy-thread-main.ts', import.meta.url), {
    workerData: { ...options, streaming: options.streaming ?? [], firstFaults: options.firstFaults ?? {} },
  });
  type Answer = { counts: FaultCounts; uploads: UploadCounts };
  const pending = new Map<number, { resolve(answer: Answer): void; reject(error: Error): void }>();
  let nextId = 0;
  const [ready] = (await Promise.race([
    once(worker, 'message'),
    once(worker, 'error').then(([error]) => Promise.reject(error)),
  ])) as [{ endpoints: Record<string, string> }];
  worker.on('message', (message: { type: string; id: number } & Answer) => {
    if (message.type === 'done') {
      pending.get(message.id)?.resolve({ counts: message.counts, uploads: message.uploads });
      pending.delete(message.id);
    }
  });
  // A thread that died answers nothing more: fail what waits on it rather than hang the run.
  worker.on('error', (error: Error) => {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  });
  const ask = (message: Record<string, string>) =>
    new Promise<Answer>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  return {
    endpoints: ready.endpoints,
    setTarget: async (name, url) => void (await ask({ type: 'target', name, url })),
    counts: async () => (await ask({ type: 'counts' })).counts,
    uploads: async () => (await ask({ type: 'counts' })).uploads,
    async close() {
      const answer = await ask({ type: 'close' });
      await worker.terminate();
      return answer;
    },
  };
}
