// `npm test` after the type check and the lint: every tier, as CI runs it. `node test/run-tests.mjs [unit]
// [integration] [template]` runs only the tiers named (`npm run test:unit` and the like).
// Unit and integration tests run with every AWS call the local functions make recorded into a temporary directory
// (IAM_CALLS_DIR). Then `serverless package` once (SLS_PACKAGE_DIR), and the template tests, which check that
// template and hold the recorded calls against each function's role (test/template/iam-parity.test.ts: skipped when
// the integration tests did not run first).
// Exits non-zero if any tier failed; the template tier runs either way. Ends with the failed tests, each with the
// first lines of its error (test/failures-reporter.mjs), since a CI log may keep only its tail.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TIERS = ['unit', 'integration', 'template'];
const asked = process.argv.slice(2);
const unknown = asked.filter((tier) => !TIERS.includes(tier));
if (unknown.length > 0) {
  console.error(`unknown test tier ${unknown.join(', ')}: choose from ${TIERS.join(', ')}`);
  process.exit(2);
}
const tiers = asked.length > 0 ? asked : TIERS;
const files = (dir) =>
  readdirSync(join('test', dir))
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => join('test', dir, name));
const callsDir = mkdtempSync(join(tmpdir(), 'iam-calls-'));
const env = { ...process.env, ...(tiers.includes('integration') && { IAM_CALLS_DIR: callsDir }) };
const failuresDir = mkdtempSync(join(tmpdir(), 'test-failures-'));
const failuresFile = join(failuresDir, 'failures.txt');
const reporters = [
  ...['--test-reporter', process.stdout.isTTY ? 'spec' : 'tap', '--test-reporter-destination', 'stdout'],
  ...['--test-reporter', './test/failures-reporter.mjs', '--test-reporter-destination', failuresFile],
];
const failuresSoFar = () => (existsSync(failuresFile) ? readFileSync(failuresFile, 'utf8') : '');
let failed = '';
const runTests = (paths, concurrency) => {
  if (paths.length === 0) return 0;
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=180000'];
  const status = spawnSync(process.execPath, [...args, ...reporters, ...paths], { stdio: 'inherit', env }).status ?? 1;
  failed += failuresSoFar();
  rmSync(failuresFile, { force: true });
  return status;
};
let status = 0;
try {
  status = runTests(tiers.filter((tier) => tier !== 'template').flatMap(files), 2);
  if (tiers.includes('template')) {
    // One `serverless package` for every template test (test/template/package-template.ts).
    env.SLS_PACKAGE_DIR = join(callsDir, 'package');
    const slsEnv = {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
    };
    const packaged = spawnSync(
      join('node_modules', '.bin', 'serverless'),
      ['package', '--stage', 'ci', '--package', env.SLS_PACKAGE_DIR],
      { stdio: 'inherit', env: slsEnv },
    ).status;
    if (packaged !== 0) delete env.SLS_PACKAGE_DIR; // each template test then packages for itself, and reports the failure
    status = runTests(files('template'), 2) || status;
  }
} finally {
  rmSync(callsDir, { recursive: true, force: true });
  rmSync(failuresDir, { recursive: true, force: true });
}
if (failed !== '') console.log(`\n# failed tests\n${failed}`);
process.exit(status);
