import type { ProcessEventSource } from '../local/event-source-process';

export interface WorkerKiller {
  readonly kills: number;
  stop(): Promise<void>;
}

/**
 * SIGKILLs the worker process at random moments (whatever batch it is in the middle of) and starts a fresh one,
 * as Lambda does after a crash: the messages it held come back once their visibility timeout passes.
 */
export function startWorkerKiller(worker: ProcessEventSource, everyMs: [number, number], random: () => number): WorkerKiller {
  let kills = 0;
  let running = everyMs[1] > 0;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (running) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, everyMs[0] + random() * (everyMs[1] - everyMs[0]));
      });
      if (!running) break;
      await worker.kill();
      kills++;
      await worker.restart();
    }
  })();
  return {
    get kills() {
      return kills;
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
