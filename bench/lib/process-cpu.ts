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
    return main >= 0 ? `${args[main + 1]} emulator` : (args.find((arg) => arg.endsWith('.ts') || arg.endsWith('.mjs')) ?? args[0] ?? `pid ${pid}`).replace(/^.*\//, '');
  } catch {
    return `pid ${pid}`;
  }
}
