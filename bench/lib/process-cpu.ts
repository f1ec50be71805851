import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) a process has used so far; Linux `/proc` only, `undefined` elsewhere. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th, in clock ticks (100/s).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The direct children of a process (the local stack's emulators), from every thread's children list. */
export function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** A child's role by its command line (`emulator-main.mjs dynamodb` -> `dynamodb emulator`). */
export function processRole(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const main = args.findIndex((arg) => arg.endsWith('emulator-main.mjs'));
    return main >= 0
      ? `${args[main + 1]} emulator`
      : (args.find((arg) => arg.endsWith('.ts') || arg.endsWith('.mjs')) ?? args[0] ?? `pid ${pid}`).replace(
          /^.*\//,
          '',
        );
  } catch {
    return `pid ${pid}`;
  }
}

/** CPU seconds of each thread of a process so far, by thread id (the main thread's id is the pid); Linux only, empty elsewhere. */
export function threadCpuSeconds(pid: number): Map<number, number> {
  const threads = new Map<number, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const seconds = taskCpuSeconds(pid, tid);
      if (seconds !== undefined) threads.set(Number(tid), seconds);
    }
  } catch {
    // not Linux, or the process is gone
  }
  return threads;
}

function taskCpuSeconds(pid: number, tid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
