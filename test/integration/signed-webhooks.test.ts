import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../local/stack';
import { signDelivery } from '../../lib/security/sign-delivery';
import { allFixtures, loadFixture, type Fixture } from '../helpers/fixtures';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

const run = promisify(execFile);
const FIXTURE_KEY = 'PSK_example_signing_key_0123456789';
const NEXT_KEY = 'PSK_next_signing_key_after_rotation';

/** The fixture's delivery posted to the local stack at the same path and query, with the given headers. */
function post(
  stack: TestStack,
  fixture: Fixture,
  headers: Record<string, string>,
  body = fixture.body,
): Promise<Response> {
  const { pathname, search } = new URL(fixture.url);
  return fetch(`${stack.url}${pathname}${search}`, {
    method: fixture.method,
    headers: { ...(fixture.contentType && { 'content-type': fixture.contentType }), ...headers },
    ...(fixture.method === 'POST' && { body }),
  });
}

/** The URL SignalWire would have signed had it been pointed at the local stack: http:// + Host + path + query. */
function localUrl(stack: TestStack, fixture: Fixture): string {
  const { pathname, search } = new URL(fixture.url);
  return `${stack.url}${pathname}${search}`;
}

describe('signed webhooks end to end (local stack with SIGNALWIRE_SIGNING_KEY, two keys during a rotation)', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ environment: { SIGNALWIRE_SIGNING_KEY: JSON.stringify([FIXTURE_KEY, NEXT_KEY]) } });
  });
  after(() => stack?.stop());

  it('accepts every fixture re-signed for the local URL, with either key of the rotation', async () => {
    for (const fixture of allFixtures()) {
      for (const key of [FIXTURE_KEY, NEXT_KEY]) {
        // given a fixture signed for the URL it is posted to
        const headers = signDelivery(
          { url: localUrl(stack, fixture), contentType: fixture.contentType, body: fixture.body },
          key,
        );
        // when it is posted
        const response = await post(stack, fixture, headers);
        // then it is accepted (a SWML fetch gets its document)
        assert.equal(response.status, 200, `${fixture.name} signed with ${key}: ${await response.text()}`);
      }
    }
  });

  it('refuses unsigned, tampered, wrongly keyed deliveries and ones signed for another URL with a generic 401', async () => {
    for (const fixture of allFixtures()) {
      const signed = signDelivery(
        { url: localUrl(stack, fixture), contentType: fixture.contentType, body: fixture.body },
        FIXTURE_KEY,
      );
      const elsewhere = signDelivery(
        { url: `${localUrl(stack, fixture)}&x=1`, contentType: fixture.contentType, body: fixture.body },
        FIXTURE_KEY,
      );
      const attempts: [string, Promise<Response>][] = [
        ['unsigned', post(stack, fixture, {})],
        ['as signed for API Gateway', post(stack, fixture, fixture.headers)],
        ['signed for another URL', post(stack, fixture, elsewhere)],
        [
          'signed with an unknown key',
          post(
            stack,
            fixture,
            signDelivery(
              { url: localUrl(stack, fixture), contentType: fixture.contentType, body: fixture.body },
              'PSK_old_revoked',
            ),
          ),
        ],
      ];
      if (fixture.method === 'POST')
        attempts.push([
          'tampered body',
          post(
            stack,
            fixture,
            signed,
            fixture.body.replace(/.$/, (c) => (c === '}' ? ' }' : `${c}0`)),
          ),
        ]);
      for (const [what, pending] of attempts) {
        const response = await pending;
        assert.equal(response.status, 401, `${fixture.name} ${what}`);
        assert.deepEqual(await response.json(), { error: 'unauthorized' }, `${fixture.name} ${what}`);
      }
    }
  });

  const cli = (args: string[], signingKey = NEXT_KEY) =>
    run(process.execPath, [join(PROJECT_ROOT, 'bin/webhooks.js'), 'send', ...args, '--json'], {
      env: { ...process.env, WEBHOOKS_STACK_FILE: stack.stackFile, SIGNALWIRE_SIGNING_KEY: signingKey },
    });
  const answered401 = (error: { stderr: string }) => /answered 401/.test(error.stderr);

  it('`webhooks send --fixture NAME --sign` posts a signed sample that goes through the pipeline; unsigned it fails', async () => {
    const { stdout } = await cli(['--fixture', 'call-status-flat-answered', '--sign']);
    const sent = JSON.parse(stdout);
    assert.equal(sent.status, 200);
    assert.equal(sent.signed, true);
    assert.equal(sent.url, `${stack.url}/call-status`);
    await assert.rejects(cli(['--fixture', 'call-status-flat-answered', '--unsigned']), answered401);
    await assert.rejects(cli(['--fixture', 'call-status-flat-answered'], ''), answered401);
    await assert.rejects(cli(['--fixture', 'call-status-flat-answered', '--sign'], ''), /set SIGNALWIRE_SIGNING_KEY/);
    const call = await waitFor(
      async () => (await stack.cli(['calls', 'show', 'c1234567-89ab-cdef-0123-456789abcdef'])).json,
      10_000,
      'the call record',
    );
    assert.equal(call.state, 'answered');
  });

  it("`webhooks send ROUTE` alone posts the route's default sample, signed for the stack's URL because the key is set", async () => {
    for (const [route, sample] of [
      ['/incoming-sms', 'incoming-sms-flat'],
      ['message-status', 'message-status-flat-delivered'],
      ['/swml', 'swml-fetch-post'],
    ]) {
      const sent = JSON.parse((await cli([route!])).stdout);
      assert.equal(sent.status, 200, `${route}`);
      assert.equal(sent.signed, true);
      assert.equal(sent.url, `${stack.url}/${route!.replace(/^\//, '')}`);
      assert.equal(sent.method, loadFixture(sample!).method);
    }
    const message = await waitFor(
      async () => (await stack.cli(['messages', 'show', 'msg_00000001'])).json,
      10_000,
      'the incoming message',
    );
    assert.equal(message.body, 'HELP');
    await assert.rejects(cli(['/nowhere']), (error: { stderr: string }) =>
      /no sample for \/nowhere/.test(error.stderr),
    );
  });

  it('`webhooks send ROUTE --body TEXT | --file PATH` posts that body, signed (the stack refuses unsigned ones)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'send-file-'));
    try {
      const file = join(dir, 'status.json');
      writeFileSync(
        file,
        JSON.stringify({ message_id: 'msg-from-file', status: 'sent', timestamp: '2025-01-15T10:30:00Z' }),
      );
      assert.equal(JSON.parse((await cli(['/message-status', '--file', file])).stdout).status, 200);
      assert.equal(
        JSON.parse((await cli(['/message-status', '--body', 'MessageSid=SM-from-body&MessageStatus=sent'])).stdout)
          .status,
        200,
      );
      await assert.rejects(cli(['/message-status', '--file', file, '--body', '{}']), /at most one of/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
