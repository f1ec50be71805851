import { join } from 'node:path';
import { PROJECT_ROOT } from './project-root';
import { loadServerlessConfig } from './serverless-config';

/**
 * The only credentials the local stack knows, as IAM knows a deployed stack's: every function signs with its own
 * access key id `local-<function>` (so each request names its caller, as its execution role would), and the stack's
 * own clients, the CLI, the tests, the chaos harness and the benchmarks sign with `local`. The secret is `local` for
 * all of them. The front of every emulator and stand-in (local/aws-front.mjs) accepts exactly these and refuses any
 * other key, as AWS refuses an access key it has never issued.
 */
export const LOCAL_SECRET = 'local';

/** The stack's own clients (provisioning, CLI, tests, chaos oracle, benchmarks). */
export const STACK_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: LOCAL_SECRET } as const;

/** The access key id a function signs with. */
export const functionAccessKeyId = (functionName: string) => `local-${functionName}`;

/** Access key id -> secret, for the given functions plus the stack's own key. */
export function localAccessKeys(functionNames: readonly string[]): Record<string, string> {
  return Object.fromEntries([
    [STACK_CREDENTIALS.accessKeyId, LOCAL_SECRET],
    ...functionNames.map((name) => [functionAccessKeyId(name), LOCAL_SECRET]),
  ]);
}

/** The keys of every function serverless.yml declares, plus the stack's own: what an emulator accepts by default. */
export function serverlessAccessKeys(): Record<string, string> {
  const { functions } = loadServerlessConfig(join(PROJECT_ROOT, 'serverless.yml'), 'local');
  return localAccessKeys(functions.map((fn) => fn.name));
}
