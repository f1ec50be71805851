import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT, startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';

const run = promisify(execFile);

export interface TestStack extends LocalStack {
  stackFile: string;
  /** Runs the real `webhooks` bin against this stack; returns its parsed `--json` output. */
  cli(args: string[]): Promise<{ code: number; json: any; stderr: string }>;
}

/**
 * The real local stack (emulators, handlers, event source mapping) on free loopback ports, in memory.
 * Retries come back after 1 s instead of the deployed 181 s visibility timeout, and batches wait 50 ms instead of
 * the deployed 1 s batching window, so tests stay fast.
 */
export async function startTestStack(options: LocalStackOptions = {}): Promise<TestStack> {
  const dir = mkdtempSync(join(tmpdir(), 'webhooks-test-'));
  const stackFile = join(dir, 'stack.json');
  const stack = await startLocalStack({
    port: 0,
    stackFile,
    queueAttributes: { VisibilityTimeout: '1' },
    batchWindowMs: 50,
    // `npm test` names a directory: every AWS call the functions make is recorded there for the IAM parity check
    // (test/template/iam-parity.test.ts), which runs after the integration tests.
    ...(process.env.IAM_CALLS_DIR && {
      recordAwsCallsTo: join(
        process.env.IAM_CALLS_DIR,
        `${basename(process.argv[1] ?? 'test')}-${process.pid}-${randomUUID().slice(0, 8)}`,
      ),
    }),
    ...options,
    environment: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...options.environment },
  });
  return {
    ...stack,
    stackFile,
    async cli(args) {
      try {
        const { stdout, stderr } = await run(
          process.execPath,
          [join(PROJECT_ROOT, 'bin/webhooks.js'), ...args, '--json'],
          {
            env: { ...process.env, WEBHOOKS_STACK_FILE: stackFile },
          },
        );
        return { code: 0, json: JSON.parse(stdout), stderr };
      } catch (error) {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        return { code: failed.code ?? 1, json: undefined, stderr: failed.stderr ?? '' };
      }
    },
    async stop() {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
