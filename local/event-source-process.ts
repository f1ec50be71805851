import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { EventSource } from './sqs-event-source';
import type { FunctionThread, FunctionThreadOptions } from './function-thread';

/** The function (module, export, its own environment) and the SQS event source mapping that feeds it. */
export type ProcessSourceOptions = FunctionThreadOptions & {
  eventSource: NonNullable<FunctionThreadOptions['eventSource']>;
};

/** An event source in a child process: it can be killed like a Lambda container dying, and started again. */
export interface ProcessEventSource extends EventSource {
  /** The running child's pid (undefined while none runs). */
  readonly pid: number | undefined;
  /** Times the process died on its own (a handler timeout, a crash) and was started again. */
  readonly exits: number;
  /** SIGKILL now, mid-batch: no finally, no cleanup, nothing deleted. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts a fresh child (a cold start) after a kill or a timeout exit. */
  restart(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./event-source-child.ts', import.meta.url));

/**
 * Runs an SQS event source and its function in a process of its own, with the function's environment. As on
 * Lambda, a handler that passes its timeout takes its process down (the child exits); this restarts it, so its
 * messages come back after the visibility timeout. `kill` lets a test do the same at a moment of its choosing.
 * Both run from esbuild bundles, as the function does on Lambda: a restart is a cold start of about a second.
 */
async function startEventSourceProcess(
  options: ProcessSourceOptions,
  onError?: (error: unknown) => void,
): Promise<ProcessEventSource> {
  const dir = mkdtempSync(join(tmpdir(), 'event-source-'));
  const bundle = async (entry: string, name: string) => {
    const outfile = join(dir, name);
    const banner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      banner: { js: banner },
      logLevel: 'error',
    });
    return outfile;
  };
  const [entry, fn] = await Promise.all([
    bundle(ENTRY, 'child.mjs'),
    bundle(fileURLToPath(options.moduleUrl), 'function.mjs'),
  ]);
  const { env, ...rest } = options;
  const childOptions = JSON.stringify({ ...rest, moduleUrl: pathToFileURL(fn).href });
  const totals = { batches: 0, deleted: 0, failed: 0 };
  const current = { batches: 0, deleted: 0, failed: 0 };
  const stats = { batches: 0, deleted: 0, failed: 0 };
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarting: Promise<void> | undefined;
  let exits = 0;

  const sum = () => {
    for (const k of ['batches', 'deleted', 'failed'] as const) stats[k] = totals[k] + current[k];
  };
  const start = async (): Promise<void> => {
    for (;;) {
      // The function's own environment, as Lambda gives it (nothing of ours).
      const spawned = spawn(process.execPath, [entry, childOptions], {
        stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
        env,
      });
      child = spawned;
      let ready = false;
      spawned.on('message', (message: { type: string; stats?: typeof current; error?: string }) => {
        if (message.stats && spawned === child) {
          Object.assign(current, message.stats);
          sum();
        }
        if (message.type === 'error') onError?.(new Error(message.error));
      });
      spawned.once('exit', () => {
        if (spawned !== child) return;
        for (const k of ['batches', 'deleted', 'failed'] as const) {
          totals[k] += current[k];
          current[k] = 0;
        }
        sum();
        child = undefined;
        // A timeout (or any crash) took the container down: Lambda would start a new one for the next batch.
        if (stopping || !ready) return;
        exits++;
        restarting ??= start().finally(() => (restarting = undefined));
      });
      const [first] = (await Promise.race([
        once(spawned, 'message'),
        once(spawned, 'exit').then(() => [{ type: 'exited' }]),
      ])) as [{ type: string; error?: string }];
      if (first.type === 'ready') {
        ready = true;
        return;
      }
      if (first.type === 'failed') throw new Error(`event source process failed to start: ${first.error}`);
      if (stopping) return; // killed while starting: kill() and restart() decide what comes next
    }
  };
  await start();

  const killChild = async () => {
    const running = child;
    if (running === undefined || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGKILL');
    await exited;
  };
  return {
    stats,
    get pid() {
      return child?.pid;
    },
    get exits() {
      return exits;
    },
    async kill() {
      stopping = true;
      await killChild();
      await restarting?.catch(() => undefined);
      stopping = false;
    },
    async restart() {
      if (restarting) return restarting;
      if (child === undefined) await start();
    },
    async stop() {
      stopping = true;
      await restarting?.catch(() => undefined);
      const running = child;
      if (running !== undefined && running.exitCode === null) {
        const exited = once(running, 'exit');
        running.send('stop');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A function fed by an SQS event source, in a process of its own (the stack's `eventSourceProcesses`): SQS only. */
export async function startFunctionProcess(
  fn: FunctionThreadOptions,
  onError?: (error: unknown) => void,
): Promise<FunctionThread & { eventSource: ProcessEventSource }> {
  if (!fn.eventSource) throw new Error(`${fn.name} has no SQS event source`);
  const source = await startEventSourceProcess({ ...fn, eventSource: fn.eventSource }, onError);
  return {
    invoke: () => Promise.reject(new Error(`${fn.name} runs in a process of its own: SQS only`)),
    eventSource: source,
    stop: () => source.stop(),
  };
}
