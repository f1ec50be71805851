import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { EventSource, EventSourceOptions } from './sqs-event-source';

export type ThreadedSourceOptions = Omit<EventSourceOptions, 'sqs' | 'handler' | 'onError'> & {
  /** File URL of the function module and its export, imported inside the thread. */
  moduleUrl: string;
  exportName: string;
  sqsEndpoint: string;
};

/**
 * Runs an SQS event source and the function it feeds in a worker thread: its own event loop (and core), like a
 * separate Lambda, so the worker's SDK calls do not queue behind the HTTP routes' on one thread. The thread
 * reads the same process.env, copied when it starts.
 */
export async function startEventSourceThread(options: ThreadedSourceOptions, onError?: (error: unknown) => void): Promise<EventSource> {
  const worker = new Worker(new URL('./event-source-worker.mjs', import.meta.url), { workerData: options });
  const stats = { batches: 0, deleted: 0, failed: 0 };
  worker.on('message', (message: { type: string; stats?: typeof stats; error?: string }) => {
    if (message.stats) Object.assign(stats, message.stats);
    if (message.type === 'error') onError?.(new Error(message.error));
  });
  worker.on('error', (error) => onError?.(error));
  const [ready] = (await once(worker, 'message')) as [{ type: string; error?: string }];
  if (ready.type !== 'ready') throw new Error(`event source thread failed to start: ${ready.error}`);
  return {
    stats,
    async stop() {
      if (worker.threadId === -1) return;
      const exited = once(worker, 'exit');
      worker.postMessage('stop');
      await exited;
    },
  };
}
