import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Readable } from 'node:stream';

const PRELOAD = fileURLToPath(new URL('./resolve-aws-to-front.mjs', import.meta.url));
const RUNNER = fileURLToPath(new URL('./invoke-handler.mjs', import.meta.url));

/** What one invocation gave: the handler's result or error, or a timeout; and the function's logs (stdout, stderr). */
export interface Invocation<Result> {
  result?: Result;
  error?: { name: string; message: string };
  timedOut?: boolean;
  logs: string;
}

export interface Sandbox {
  /** The unzipped bundle: the process's working directory, as /var/task is on Lambda. */
  taskRoot: string;
  /** The process's whole environment (test/template/aws-front/lambda-environment.ts). */
  env: Record<string, string>;
  /** Where `*.amazonaws.com` resolves in the process (the AWS front). */
  frontAddress: string;
  /** The function's Timeout: the process is killed past it, as Lambda ends an invocation. */
  timeoutMs: number;
}

/**
 * One cold invocation of a packaged handler: a fresh Node process (this machine's Node; Lambda runs the template's
 * runtime) started with only the sandbox's environment, `*.amazonaws.com` resolved to the front by a preload
 * (resolve-aws-to-front.mjs), the handler imported and called as the Lambda runtime does (invoke-handler.mjs).
 */
export function invokePackagedHandler<Result>(sandbox: Sandbox, event: unknown): Promise<Invocation<Result>> {
  const preload = `${pathToFileURL(PRELOAD).href}?front=${sandbox.frontAddress}`;
  const child = spawn(process.execPath, ['--import', preload, RUNNER, String(sandbox.timeoutMs)], {
    cwd: sandbox.taskRoot,
    env: sandbox.env,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  let logs = '';
  let outcome = '';
  child.stdout!.on('data', (chunk: Buffer) => (logs += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (logs += chunk));
  (child.stdio[3] as Readable).on('data', (chunk: Buffer) => (outcome += chunk));
  child.stdin!.end(JSON.stringify(event));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), sandbox.timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') return resolve({ timedOut: true, logs });
      if (outcome === '')
        return resolve({
          error: { name: 'Runtime.ExitError', message: `exited with ${code ?? signal} before answering` },
          logs,
        });
      resolve({ ...(JSON.parse(outcome) as Pick<Invocation<Result>, 'result' | 'error'>), logs });
    });
  });
}
