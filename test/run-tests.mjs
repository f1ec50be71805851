// `npm test` after the type check. Phase 1: unit and integration tests, every AWS call the local functions make
// recorded into a temporary directory (IAM_CALLS_DIR). Phase 2: `serverless package` once (SLS_PACKAGE_DIR), then
// the template tests, which check that template and hold those calls against each function's role
// (test/template/iam-parity.test.ts).
// Exits non-zero if either phase failed; phase 2 runs either way.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const files = (dir) => readdirSync(join('test', dir)).filter((name) => name.endsWith('.test.ts')).sort().map((name) => join('test', dir, name));
const callsDir = mkdtempSync(join(tmpdir(), 'iam-calls-'));
const env = { ...process.env, IAM_CALLS_DIR: callsDir };
const runTests = (paths) => spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=180000', ...paths], { stdio: 'inherit', env }).status ?? 1;
let status = 1;
try {
  const first = runTests([...files('unit'), ...files('integration')]);
  // One `serverless package` for every template test (test/template/package-template.ts).
  env.SLS_PACKAGE_DIR = join(callsDir, 'package');
  const slsEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' };
  const packaged = spawnSync(join('node_modules', '.bin', 'serverless'), ['package', '--stage', 'ci', '--package', env.SLS_PACKAGE_DIR], { stdio: 'inherit', env: slsEnv }).status;
  if (packaged !== 0) delete env.SLS_PACKAGE_DIR; // each template test then packages for itself, and reports the failure
  const second = runTests(files('template'));
  status = first || second;
} finally {
  rmSync(callsDir, { recursive: true, force: true });
}
process.exit(status);
