import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../local/stack';

const run = promisify(execFile);
export const TEMPLATE_STAGE = 'ci';

export interface Packaged {
  dir: string;
  template: { Resources: Record<string, { Type: string; Properties: Record<string, any>; [key: string]: any }>; [key: string]: any };
}

/** `serverless package` with no AWS credentials: the CloudFormation template (and bundles) a deploy would submit. */
export async function packageTemplate(args: string[] = []): Promise<Packaged> {
  const dir = mkdtempSync(join(tmpdir(), 'sls-package-'));
  const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' };
  await run(join(PROJECT_ROOT, 'node_modules/.bin/serverless'), ['package', '--stage', TEMPLATE_STAGE, '--package', dir, ...args], { cwd: PROJECT_ROOT, env, timeout: 120_000 });
  return { dir, template: JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) };
}
