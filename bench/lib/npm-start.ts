import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, type StackInfo } from '../../local/stack';

export interface NpmStart {
  child: ChildProcess;
  stack: StackInfo;
  /** The environment it runs with: give it to a `webhooks` child so that it finds this stack. */
  env: NodeJS.ProcessEnv;
  /** Its temporary folder (the endpoints file): the caller removes it. */
  dir: string;
}

/**
 * `npm start` in a child process, as a user runs it, in memory on a free port; resolves once it listens, rejects if it
 * exits first. `nodeArgs` go before the entry (e.g. `--cpu-prof`). The caller stops it (`child.kill()`).
 */
export async function startNpmStart(name: string, nodeArgs: string[] = []): Promise<NpmStart> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const stackFile = join(dir, 'stack.json');
  const env = {
    ...process.env,
    PORT: '0',
    LOCAL_DATA_DIR: ':memory:',
    WEBHOOKS_STACK_FILE: stackFile,
    LOG_LEVEL: 'warn',
    NODE_NO_WARNINGS: '1',
  };
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(PROJECT_ROOT, 'local/start.ts')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
  });
  return { child, env, dir, stack: JSON.parse(readFileSync(stackFile, 'utf8')) as StackInfo };
}
