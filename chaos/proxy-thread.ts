import { once } from 'node:events';
import type { FaultCounts, FaultRates } from './fault-proxy';
import { startTypeScriptThread } from '../local/typescript-thread';

export interface ProxyThread {
  /** Each proxy's address, by name. */
  endpoints: Record<string, string>;
  /** Points a proxy at its dependency; resolves once the proxy forwards there. */
  setTarget(name: string, url: string): Promise<void>;
  /** The faults injected so far, by proxy and kind. */
  counts(): Promise<FaultCounts>;
  /** Closes every proxy and ends the thread; resolves to the final counts. */
  close(): Promise<FaultCounts>;
}

/**
 * The fault proxies (chaos/fault-proxy.ts) in a worker thread of their own, like the network they stand for: their
 * event loop is not the one that runs the sender, the API gateway and the oracle, so a busy harness does not slow
 * the worker's DynamoDB and SQS calls beyond the faults themselves.
 */
export async function startProxyThread(options: {
  names: string[];
  rates: FaultRates;
  latencyMs: number;
  seed: number;
}): Promise<ProxyThread> {
  const worker = startTypeScriptThread(new URL('./proxy-thread-main.ts', import.meta.url), { workerData: options });
  const pending = new Map<number, { resolve(counts: FaultCounts): void; reject(error: Error): void }>();
  let nextId = 0;
  const [ready] = (await Promise.race([
    once(worker, 'message'),
    once(worker, 'error').then(([error]) => Promise.reject(error)),
  ])) as [{ endpoints: Record<string, string> }];
  worker.on('message', (message: { type: string; id: number; counts: FaultCounts }) => {
    if (message.type === 'done') {
      pending.get(message.id)?.resolve(message.counts);
      pending.delete(message.id);
    }
  });
  // A thread that died answers nothing more: fail what waits on it rather than hang the run.
  worker.on('error', (error: Error) => {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  });
  const ask = (message: Record<string, string>) =>
    new Promise<FaultCounts>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  return {
    endpoints: ready.endpoints,
    setTarget: async (name, url) => void (await ask({ type: 'target', name, url })),
    counts: () => ask({ type: 'counts' }),
    async close() {
      const counts = await ask({ type: 'close' });
      await worker.terminate();
      return counts;
    },
  };
}
