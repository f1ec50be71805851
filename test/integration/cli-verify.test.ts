import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { verifyReport } from '../../cli/commands/verify';
import type { Check } from '../../cli/commands/verify/check';
import { putParameterFix } from '../../cli/commands/verify/parameter-fixes';
import type { StageView } from '../../cli/commands/verify/stage-view';
import { startSsmStandIn, type Emulator } from '../../local/emulators';
import { PROJECT_ROOT } from '../../local/stack';
import { startTestStack, type TestStack } from '../helpers/test-stack';

const run = promisify(execFile);
const SIGNING_KEY_PARAMETER = '/signalwire-webhooks/local/signing-key';
/** Every secret value any stack below holds: none may appear in verify's output. */
const SECRETS = ['key-one', 'key-two', 'key-in-ssm', 'key-the-functions-hold'];

interface VerifyRun {
  code: number;
  stdout: string;
  stderr: string;
  checks: Check[];
}

/** The real `webhooks verify` bin against a stack; its output is kept whatever the exit code. */
async function verify(stack: TestStack, args: string[] = []): Promise<VerifyRun> {
  let code = 0;
  let stdout: string;
  let stderr: string;
  try {
    // `--stage local`, as the README says to run it against `npm start`
    ({ stdout, stderr } = await run(
      process.execPath,
      [join(PROJECT_ROOT, 'bin/webhooks.js'), 'verify', '--stage', 'local', ...args],
      {
        env: { ...process.env, WEBHOOKS_STACK_FILE: stack.stackFile },
      },
    ));
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    code = failed.code ?? 1;
    stdout = failed.stdout ?? '';
    stderr = failed.stderr ?? '';
  }
  for (const secret of SECRETS)
    assert.ok(!stdout.includes(secret) && !stderr.includes(secret), `verify printed the secret ${secret}`);
  return { code, stdout, stderr, checks: args.includes('--json') ? (JSON.parse(stdout) as Check[]) : [] };
}

const check = (result: VerifyRun, name: string) => {
  const found = result.checks.find((c) => c.name === name);
  assert.ok(found, `no check ${name} in ${result.stdout}`);
  return found;
};
const failures = (result: VerifyRun) => result.checks.filter((c) => !c.ok).map((c) => c.name);

describe('webhooks verify (the real bin against local stacks, each failure planted)', () => {
  let working: TestStack;
  let withoutKey: TestStack;
  let otherKey: TestStack;
  let functionsSsm: Emulator;

  before(async () => {
    // The wrong key: the functions of `otherKey` read their secrets from an SSM of their own, holding another key
    // than the stage's SSM (what verify reads and signs with), as when the parameter changed after they read it.
    functionsSsm = await startSsmStandIn({ [SIGNING_KEY_PARAMETER]: 'key-the-functions-hold' });
    [working, withoutKey, otherKey] = await Promise.all([
      startTestStack({ environment: { SIGNALWIRE_SIGNING_KEY: '["key-one","key-two"]' } }),
      startTestStack(),
      startTestStack({
        environment: { SIGNALWIRE_SIGNING_KEY: 'key-in-ssm' },
        functionEndpoint: (service, endpoint) => (service === 'ssm' ? functionsSsm.endpoint : endpoint),
      }),
    ]);
  });
  after(async () => {
    await Promise.all([working?.stop(), withoutKey?.stop(), otherKey?.stop(), functionsSsm?.stop()]);
  });

  it('exits 0 when everything holds: parameters, a signed sample applied and archived, the DLQ, the topic', async () => {
    const result = await verify(working, ['--json', '--timeout', '20']);
    assert.equal(result.code, 0, result.stdout);
    assert.deepEqual(failures(result), []);
    assert.match(check(result, `parameter ${SIGNING_KEY_PARAMETER}`).detail, /SecureString, 2 keys/);
    assert.match(
      check(result, 'parameter /signalwire-webhooks/local/basic-auth').detail,
      /^absent: the Basic auth check is off/,
    );
    assert.match(check(result, 'function roles').detail, /^not checked locally/);
    assert.match(
      check(result, 'delivery').detail,
      new RegExp(`signed with the first key of ${SIGNING_KEY_PARAMETER}\\) answered 200`),
    );
    assert.match(check(result, 'applied').detail, /message verify-\S+ is delivered/);
    assert.match(check(result, 'archived').detail, /: applied \(advanced\)/);
    assert.equal(check(result, 'dead-letter queue').detail, 'empty (depth 0)');
    assert.match(check(result, 'notifications topic').detail, /not checked locally|no subscriber/);
  });

  it('exits 1 naming a missing parameter and how to create it (readable: FAIL, fix, verdict)', async () => {
    const result = await verify(withoutKey, ['--json', '--timeout', '20']);
    assert.equal(result.code, 1);
    assert.deepEqual(failures(result), [`parameter ${SIGNING_KEY_PARAMETER}`]);
    const missing = check(result, `parameter ${SIGNING_KEY_PARAMETER}`);
    assert.match(missing.detail, /^missing: ingest, swml verify webhooks with no other check configured/);
    assert.match(missing.fix ?? '', /^restart `npm start` with SIGNALWIRE_SIGNING_KEY='\["PSK_\.\.\."\]'/);
    // The local stack lets unsigned deliveries in: the rest of the pipeline is still proven.
    assert.match(check(result, 'delivery').detail, /unsigned \(no signing key\)\) answered 200/);
    // Without --json the CLI prints verifyReport of these same checks.
    const report = verifyReport(result.checks);
    assert.match(report, new RegExp(`^FAIL  parameter ${SIGNING_KEY_PARAMETER} +missing: `, 'm'));
    assert.match(report, /^ +fix: restart `npm start` with SIGNALWIRE_SIGNING_KEY=/m);
    assert.match(report, /^ok {4}applied +the worker applied it/m);
    assert.match(report, new RegExp(`^1 of \\d+ checks failed: parameter ${SIGNING_KEY_PARAMETER}$`, 'm'));
  });

  it('names the aws ssm command that creates a parameter of a deployed stage', () => {
    const view = { local: false, region: 'eu-west-1', stage: 'prod' } as StageView;
    const parameter = {
      name: '/signalwire-webhooks/prod/signing-key',
      setting: 'SIGNALWIRE_SIGNING_KEY',
      functions: ['ingest', 'swml'],
    };
    assert.equal(
      putParameterFix(parameter, view, false),
      `aws ssm put-parameter --region eu-west-1 --name /signalwire-webhooks/prod/signing-key --type SecureString --value '["PSK_..."]'`,
    );
  });

  it('exits 1 when the stage refuses the sample signed with its own parameter (401), naming the parameter', async () => {
    const result = await verify(otherKey, ['--json', '--timeout', '20']);
    assert.equal(result.code, 1);
    assert.deepEqual(failures(result), ['delivery', 'applied', 'archived']);
    assert.ok(check(result, `parameter ${SIGNING_KEY_PARAMETER}`).ok, 'the parameter itself is fine');
    const delivery = check(result, 'delivery');
    assert.match(delivery.detail, new RegExp(`signed with the first key of ${SIGNING_KEY_PARAMETER}\\) answered 401`));
    assert.match(delivery.detail, new RegExp(`the stage refused the secrets ${SIGNING_KEY_PARAMETER} hold`));
    assert.ok(delivery.fix);
    assert.match(check(result, 'applied').detail, /^not tried: the delivery was not accepted/);
  });

  it('exits 1 when the delivery is accepted but the worker does not apply it within --timeout', async () => {
    const worker = working.eventSources[0];
    assert.ok(worker, "the worker's event source");
    await worker.stop();
    const started = Date.now();
    const result = await verify(working, ['--json', '--timeout', '2']);
    assert.equal(result.code, 1);
    assert.deepEqual(failures(result), ['applied', 'archived']);
    const applied = check(result, 'applied');
    assert.match(
      applied.detail,
      /^the delivery was accepted \(event [\w-]+\) but not applied within 2 s: message verify-\S+ is not in the table; 1 message in the webhook queue/,
    );
    assert.match(applied.fix ?? '', /worker/);
    assert.ok(Date.now() - started < 15_000, 'the wait ends at --timeout');
  });
});
