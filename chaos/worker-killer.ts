import type { ProcessEventSource } from '../local/event-source-process';

export interface WorkerKiller {
  readonly kills: number;
  stop(): Promise<void>;
}

/**
 * SIGKILLs the worker process at random moments (whatever batch it is in the middle of) and starts a fresh one,
 * as Lambda does after a crash: the messages it held come back once their visibility timeout passes.
 */
export function startWorkerKiller(
  worker: ProcessEventSource,
  everyMs: [number, number],
  random: () => number,
): WorkerKiller {
  let kills = 0;
  let running = everyMs[1] > 0;
  let wake: (() => void) | undefined;
  const killOnce = async () => {
    await worker.kill();
    kills++;
    await worker.restart();
  };
  const loop = (async () => {
    while (running) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, everyMs[0] + random() * (everyMs[1] - everyMs[0]));
      });
      if (!running) break;
      await killOnce();
    }
  })();
  return {
    get kills() {
      return kills;
    },
    // A run with kills on kills at least once, even one that ends before the first random moment (a fast machine):
    // at the end of sending the worker is in the middle of draining, so this kill too lands mid-batch.
    async stop() {
      const enabled = everyMs[1] > 0;
      running = false;
      wake?.();
      await loop;
      if (enabled && kills === 0) await killOnce();
    },
  };
}
