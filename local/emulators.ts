import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Emulator {
  endpoint: string;
  stop(): Promise<void>;
}

const MAIN = join(fileURLToPath(new URL('.', import.meta.url)), 'emulator-main.mjs');

/** DynamoDB (dynalite) in its own process on a free loopback port; on disk under `dataDir` when given, else in memory. */
export const startDynamoDb = (dataDir?: string): Promise<Emulator> => startEmulator(['dynamodb', ...(dataDir ? [dataDir] : [])]);

/** SQS (local-aws-sqs) in its own process on a free loopback port, in memory. */
export const startSqs = (): Promise<Emulator> => startEmulator(['sqs']);

/**
 * Each emulator gets a process of its own: with the handlers in a third, the local stack uses every core instead
 * of queueing the whole pipeline on one event loop. The child exits when our end of its stdin closes, so it never
 * outlives the stack, even when the parent is killed.
 */
async function startEmulator(args: string[]): Promise<Emulator> {
  const child = spawn(process.execPath, [...profilingFlags(), MAIN, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`emulator ${args[0]} exited with code ${code}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    },
  };
}

/** `--cpu-prof` given to the stack (`npm run bench -- --profile`) profiles the emulators too, each to its own file. */
const profilingFlags = () => process.execArgv.filter((flag) => flag.startsWith('--cpu-prof'));
