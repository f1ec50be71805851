import { once } from 'node:events';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { cachedBundle } from './bundle-cache.mjs';
import { PROJECT_ROOT } from './project-root';
import type { EventSource, EventSourceOptions } from './sqs-event-source';
import { startTypeScriptThread } from './typescript-thread';

export interface FunctionThreadOptions {
  name: string;
  /** File URL of the function module and its export, imported inside the thread. */
  moduleUrl: string;
  exportName: string;
  /** Its serverless.yml `timeout`, for the context's getRemainingTimeInMillis. */
  timeoutMs?: number;
  /**
   * The function's whole environment, as Lambda gives it: provider and function variables, its own credentials
   * (access key `local-<name>`, so every AWS request it signs names it) and the local endpoints.
   */
  env: Record<string, string>;
  /** The SQS event source mapping that feeds this function; it polls with the function's credentials, as Lambda's does. */
  eventSource?: Omit<EventSourceOptions, 'sqs' | 'handler' | 'onError'> & { sqsEndpoint: string };
}

export interface FunctionThread {
  invoke(event: unknown): Promise<any>;
  eventSource?: EventSource;
  stop(): Promise<void>;
}

type Reply = { type: string; id?: number; result?: unknown; error?: string; stats?: EventSource['stats'] };

/**
 * One function in a worker thread of its own, like a Lambda: its own event loop (and core), its own
 * process.env (only what serverless.yml gives it), its own AWS clients and credentials.
 */
export async function startFunctionThread(
  options: FunctionThreadOptions,
  onError?: (error: unknown) => void,
): Promise<FunctionThread> {
  const worker = await functionWorker(options);
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const stats = { batches: 0, deleted: 0, failed: 0 };
  let nextId = 0;
  worker.on('message', (message: Reply) => {
    if (message.stats) Object.assign(stats, message.stats);
    if (message.type === 'error') onError?.(new Error(message.error));
    if (message.type !== 'result') return;
    const call = pending.get(message.id!);
    pending.delete(message.id!);
    if (message.error !== undefined) call?.reject(new Error(message.error));
    else call?.resolve(message.result);
  });
  worker.on('error', (error) => onError?.(error));
  const [ready] = (await once(worker, 'message')) as [Reply];
  if (ready.type !== 'ready') throw new Error(`function ${options.name} failed to start: ${ready.error}`);
  return {
    invoke(event) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'invoke', id, event });
      });
    },
    ...(options.eventSource && { eventSource: { stats, stop: () => stopSource(worker) } }),
    async stop() {
      if (worker.threadId === -1) return;
      const exited = once(worker, 'exit');
      worker.postMessage({ type: 'stop' });
      await exited;
      for (const call of pending.values()) call.reject(new Error(`function ${options.name} stopped`));
    },
  };
}

/**
 * The thread, running plain JavaScript when it can: the thread's entry and the function's module bundled by esbuild
 * as for Lambda, packages included (local/bundle-cache.mjs), with no TypeScript loader in the thread. A stack then
 * starts in about 2 s of wall time and 3.6 s of CPU, against 3.4 s and 5.8 s through tsx. A module outside the project (a consumer of the user's own, whose
 * packages are not ours) runs through tsx, and so does every module when the cache cannot be written.
 */
async function functionWorker(options: FunctionThreadOptions): Promise<Worker> {
  const entry = new URL('./function-worker.ts', import.meta.url);
  const bundles = relative(PROJECT_ROOT, fileURLToPath(options.moduleUrl)).startsWith('..')
    ? undefined
    : await Promise.all([
        cachedBundle(entry, { lambda: true }),
        cachedBundle(options.moduleUrl, { lambda: true }),
      ]).catch(() => undefined);
  // Where the cache cannot be written (as for the `webhooks` bin), tsx runs the sources.
  if (bundles === undefined) return startTypeScriptThread(entry, { workerData: options, env: options.env });
  const [bundledEntry, moduleUrl] = bundles;
  return new Worker(new URL(bundledEntry), {
    workerData: { ...options, moduleUrl },
    env: options.env,
    // Not the parent's flags (its `--import tsx` would load tsx into the thread), only its profiling ones.
    execArgv: process.execArgv.filter((flag) => flag.startsWith('--cpu-prof')),
  });
}

async function stopSource(worker: Worker): Promise<void> {
  if (worker.threadId === -1) return;
  const stopped = new Promise<void>((resolve) => {
    const listener = (message: Reply) => {
      if (message.type !== 'source-stopped') return;
      worker.off('message', listener);
      resolve();
    };
    worker.on('message', listener);
  });
  worker.postMessage({ type: 'stop-source' });
  await stopped;
}

/** A function thread started at its first invocation (stopping one never started does nothing). */
export function lazyFunctionThread(
  options: FunctionThreadOptions,
  onError?: (error: unknown) => void,
): Promise<FunctionThread> {
  let started: Promise<FunctionThread> | undefined;
  const thread = () => {
    started ??= startFunctionThread(options, onError);
    return started;
  };
  return Promise.resolve({
    invoke: async (event) => (await thread()).invoke(event),
    async stop() {
      if (started !== undefined) await (await started).stop();
    },
  });
}
