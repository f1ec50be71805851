import { Worker, type WorkerOptions } from 'node:worker_threads';

/** A worker thread running the TypeScript module `entry` (through local/typescript-thread-entry.mjs). */
export function startTypeScriptThread(entry: URL, options: WorkerOptions = {}): Worker {
  return new Worker(new URL('./typescript-thread-entry.mjs', import.meta.url), { ...options, argv: [entry.href] });
}
