import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { signDelivery } from '../../lib/security/sign-delivery';
import { PROJECT_ROOT } from '../../local/stack';
import { startTestStack, type TestStack } from '../helpers/test-stack';

const GUIDE = join(PROJECT_ROOT, 'docs/security.md');
const OLD_KEY = 'PSK_rotation_old_0123456789';
const NEW_KEY = 'PSK_rotation_new_9876543210';
const CACHE_SECONDS = 1;

/** The `aws ssm put-parameter` lines of the guide's "Rotating a secret" section, in order, as written. */
function rotationCommands(): string[] {
  const guide = readFileSync(GUIDE, 'utf8');
  const start = guide.indexOf('\n## Rotating a secret');
  assert.ok(start >= 0, 'docs/security.md has a "Rotating a secret" section');
  const end = guide.indexOf('\n## ', start + 1);
  const section = guide.slice(start + 1, end === -1 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(([, block]) =>
    block!.split('\n').filter((line) => line.startsWith('aws ssm put-parameter ')),
  );
}

/** `--name` and `--value` of an `aws ssm put-parameter` line (single-quoted values, as the guide writes them). */
function putParameter(
  line: string,
  stage: string,
): { Name: string; Value: string; Type: 'SecureString'; Overwrite: boolean } {
  const option = (name: string) => new RegExp(`--${name} ('([^']*)'|(\\S+))`).exec(line);
  const value = option('value');
  assert.ok(
    option('name') && value && / --overwrite( |$)/.test(line) && option('type')?.[3] === 'SecureString',
    `a complete put-parameter: ${line}`,
  );
  const fill = (text: string) =>
    text.replaceAll('STAGE', stage).replaceAll('OLD_KEY', OLD_KEY).replaceAll('NEW_KEY', NEW_KEY);
  return {
    Name: fill(option('name')![3]!),
    Value: fill(value[2] ?? value[3]!),
    Type: 'SecureString' as const,
    Overwrite: true,
  };
}

/**
 * The guide's rotation of the signing key, followed literally against the local stack: each of its commands run
 * as written, SignalWire switching keys where the guide says to. At every step, before and after the functions pick
 * the change up, the deliveries SignalWire signs then are accepted; only at the end is the old key refused.
 */
describe('rotating the signing key as docs/security.md says never refuses a correctly signed delivery', {
  timeout: 120_000,
}, () => {
  let stack: TestStack;
  let ssm: SSMClient;
  before(async () => {
    stack = await startTestStack({
      environment: { SIGNALWIRE_SIGNING_KEY: OLD_KEY, WEBHOOK_SECRETS_CACHE_SECONDS: String(CACHE_SECONDS) },
    });
    ssm = new SSMClient({
      endpoint: stack.ssmEndpoint,
      region: stack.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  after(async () => {
    ssm?.destroy();
    await stack?.stop();
  });

  let sequence = 0;
  async function deliver(key: string): Promise<number> {
    const url = `${stack.url}/call-status`;
    const body = JSON.stringify({
      call_id: `rotation-${++sequence}`,
      call_state: 'ringing',
      timestamp: new Date().toISOString(),
    });
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signDelivery({ url, body, contentType: 'application/json' }, key),
      },
      body,
    });
    return response.status;
  }
  const pickedUp = () => new Promise((resolve) => setTimeout(resolve, CACHE_SECONDS * 1000 + 200));

  it('follows each step: put both keys, switch SignalWire, put the new key alone', async () => {
    const commands = rotationCommands();
    assert.equal(commands.length, 2, `two put-parameter steps in the guide: ${commands.join(' | ')}`);
    const [both, newOnly] = commands.map((line) => putParameter(line, stack.stage));
    assert.equal(both!.Name, '/signalwire-webhooks/local/signing-key', 'the parameter the functions read');
    let signalWireSigns = OLD_KEY;
    assert.equal(await deliver(signalWireSigns), 200, 'before the rotation');

    // Step 1: both keys in the parameter.
    await ssm.send(new PutParameterCommand(both!));
    assert.equal(await deliver(signalWireSigns), 200, 'step 1, before the functions read the parameter again');
    await pickedUp();
    assert.equal(await deliver(signalWireSigns), 200, 'step 1, old key');
    assert.equal(await deliver(NEW_KEY), 200, 'step 1, new key already accepted');

    // Step 2: SignalWire signs with the new key.
    signalWireSigns = NEW_KEY;
    assert.equal(await deliver(signalWireSigns), 200, 'step 2');

    // Step 3: the new key alone.
    await ssm.send(new PutParameterCommand(newOnly!));
    assert.equal(await deliver(signalWireSigns), 200, 'step 3, before the functions read the parameter again');
    await pickedUp();
    assert.equal(await deliver(signalWireSigns), 200, 'step 3, new key');
    assert.equal(await deliver(OLD_KEY), 401, 'the old key is retired');
  });
});
