import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../local/stack';

const run = promisify(execFile);
export const TEMPLATE_STAGE = 'ci';
const SLS_ENV = {
  ...process.env,
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_PROFILE: '',
};
const SLS = join(PROJECT_ROOT, 'node_modules/.bin/serverless');

export interface Packaged {
  dir: string;
  template: {
    Resources: Record<string, { Type: string; Properties: Record<string, any>; [key: string]: any }>;
    [key: string]: any;
  };
  dispose(): void;
}

/**
 * `serverless package --stage ci` with no AWS credentials: the CloudFormation template (and bundles) a deploy
 * would submit. `npm test` (test/run-tests.mjs) packages once for all template tests and names the directory in
 * SLS_PACKAGE_DIR; run alone, a test packages for itself.
 */
export async function packageTemplate(): Promise<Packaged> {
  const shared = process.env.SLS_PACKAGE_DIR;
  const dir = shared ?? mkdtempSync(join(tmpdir(), 'sls-package-'));
  if (!shared) await sls(['package', '--stage', TEMPLATE_STAGE, '--package', dir]);
  const template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  return { dir, template, dispose: () => shared === undefined && rmSync(dir, { recursive: true, force: true }) };
}

/** serverless.yml with every variable resolved for `stage` (`serverless print`): what a deploy of that stage uses. */
export async function printConfig(stage: string, params: string[] = []): Promise<Record<string, any>> {
  const args = ['print', '--stage', stage, '--format', 'json', ...params.map((p) => `--param=${p}`)];
  const { stdout } = await sls(args);
  return JSON.parse(stdout.slice(stdout.indexOf('{')));
}

/** Runs the Framework; a failure carries the end of what it printed. */
async function sls(args: string[]): Promise<{ stdout: string }> {
  try {
    return await run(SLS, args, { cwd: PROJECT_ROOT, env: SLS_ENV, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; signal?: string };
    throw new Error(
      `serverless ${args[0]} failed${failed.signal ? ` (${failed.signal})` : ''}: ${`${failed.stdout ?? ''}${failed.stderr ?? ''}`.slice(-2000)}`,
    );
  }
}
