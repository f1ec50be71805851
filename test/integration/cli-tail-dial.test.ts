import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { resolveTarget } from '../../cli/target';
import { createDeadLetterTools } from '../../lib/dlq/dead-letters';
import { dialCall } from '../../lib/signalwire/dial-call';
import { createFailureStore } from '../../lib/store/failure-store';
import { listByFirstSeen } from '../../lib/store/list-by-first-seen';
import { PROJECT_ROOT } from '../../local/stack';
import { startFakeSignalWire, type FakeSignalWire } from '../helpers/fake-signalwire';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

const BIN = join(PROJECT_ROOT, 'bin/webhooks.js');
const run = promisify(execFile);

describe('webhooks tail, dial and the completed CLI', () => {
  let stack: TestStack;
  let signalwire: FakeSignalWire;
  const cli = async (args: string[], env: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
        env: { ...process.env, WEBHOOKS_STACK_FILE: stack.stackFile, ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  };

  before(async () => {
    [stack, signalwire] = await Promise.all([startTestStack(), startFakeSignalWire()]);
  });
  after(async () => {
    await Promise.all([stack?.stop(), signalwire?.close()]);
  });

  it('tail --json --kind call prints one object per line as deliveries are applied, and stops cleanly on Ctrl-C', async (t) => {
    const child = spawn(process.execPath, [BIN, 'tail', '--json', '--kind', 'call'], {
      env: { ...process.env, WEBHOOKS_STACK_FILE: stack.stackFile },
    });
    t.after(() => void (child.exitCode === null && child.kill('SIGKILL')));
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk));
    await waitFor(async () => (err.includes('following deliveries') ? true : undefined), 60_000, 'tail to start');

    const sms = await fetch(`${stack.url}/incoming-sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"message_id":"tail-m","from":"+15551230000","to":"+15559870000","body":"hi"}',
    });
    assert.equal(sms.status, 200);
    const response = await fetch(`${stack.url}/call-status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"call_id":"tail-1","call_state":"ringing"}',
    });
    const acknowledgedAt = Date.now();
    const { event_id } = (await response.json()) as { event_id: string };
    const line = await waitFor(
      async () => out.split('\n').find((l) => l.includes(event_id)),
      10_000,
      'the delivery in tail',
    );
    // A figure, not a timed assertion (this machine is shared): the local stack's test settings batch within 50 ms.
    console.log(`# tail showed the delivery ${Date.now() - acknowledgedAt} ms after its 200`);
    const entry = JSON.parse(line);
    assert.equal(entry.kind, 'call.status');
    assert.equal(entry.status, 'applied');
    assert.equal(entry.natural_key, 'call:tail-1:ringing');

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 0, 'Ctrl-C ends tail with status 0');
    for (const printed of out.trim().split('\n'))
      assert.match(JSON.parse(printed).kind, /^call\./, '--kind call shows calls only');
  });

  it('dial places a call through the Calling API with our /swml and /call-status URLs and prints its id', async () => {
    const env = {
      SIGNALWIRE_SPACE_URL: signalwire.url,
      SIGNALWIRE_PROJECT_ID: 'project-1',
      SIGNALWIRE_API_TOKEN: 'PT-secret-token',
    };
    const dialed = await cli(['dial', '--from', '+15551230000', '--to', '+15559870000', '--json'], env);
    assert.equal(dialed.code, 0, dialed.stderr);
    const printed = JSON.parse(dialed.stdout);
    const [call] = signalwire.calls;
    assert.equal(printed.call_id, call!.id);
    assert.equal(call!.url, `${stack.url}/swml`);
    assert.equal(call!.status_url, `${stack.url}/call-status`);
    assert.deepEqual([call!.from, call!.to], ['+15551230000', '+15559870000']);
    const request = signalwire.requests.find((r) => r.path === '/api/calling/calls')!;
    assert.equal(request.headers.authorization, `Basic ${Buffer.from('project-1:PT-secret-token').toString('base64')}`);
    assert.equal(JSON.parse(request.rawBody).command, 'dial');

    // The checks before any request, in-process (each run of the bin costs seconds on a loaded machine).
    const config = { spaceUrl: signalwire.url, projectId: 'project-1', apiToken: 'PT-secret-token' };
    await assert.rejects(
      dialCall(config, { from: '+15551230000', to: '+15559870000', baseUrl: 'http://hooks.example.com' }),
      /https/,
    );
    await assert.rejects(dialCall(config, { from: '5551230000', to: '+15559870000', baseUrl: stack.url }), /E\.164/);
    assert.equal(signalwire.calls.length, 1, 'nothing placed for an http URL or a number that is not E.164');
    signalwire.failNext(1, 422, 'to is not a valid number');
    await assert.rejects(
      dialCall(config, { from: '+15551230000', to: '+15559870000', baseUrl: stack.url }),
      (error: Error) => /422/.test(error.message) && !error.message.includes('PT-secret-token'),
    );
  });

  it('lists calls and messages since a time, shows and purges dead letters', async (t) => {
    const since = new Date().toISOString();
    await fetch(`${stack.url}/call-status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"call_id":"list-1","call_state":"answered"}',
    });
    await fetch(`${stack.url}/call-status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"call_state":"answered"}',
    });
    // Wait in-process (each run of the bin costs seconds on a loaded machine), then check what the bin prints.
    const target = await resolveTarget({ stackFile: stack.stackFile });
    t.after(() => target.close());
    const dlq = createDeadLetterTools(target.sqs, target, createFailureStore(target.table));
    await waitFor(async () => ((await listByFirstSeen(target.table, 'call', since)).length === 1 ? true : undefined));
    const letters = await waitFor(async () => {
      const listed = await dlq.list();
      return listed.length > 0 ? listed : undefined;
    });
    const calls = JSON.parse((await cli(['calls', 'list', '--since', since, '--json'])).stdout);
    assert.deepEqual(Object.keys(calls[0]).sort(), [
      'call_id',
      'direction',
      'duration_seconds',
      'first_seen_at',
      'price',
      'price_unit',
      'state',
    ]);
    assert.equal(calls[0].call_id, 'list-1');
    assert.equal((await listByFirstSeen(target.table, 'call', new Date(Date.now() + 60_000).toISOString())).length, 0);
    assert.ok(Array.isArray(JSON.parse((await cli(['messages', 'list', '--json'])).stdout)));

    const table = await cli(['dlq', 'list']);
    assert.match(table.stdout.split('\n')[0]!, /^message_id\s+event_id\s+kind\s+failure_reason/);
    assert.doesNotMatch(table.stdout, /payload/, 'the readable list leaves the envelope to `show`');
    const shown = JSON.parse((await cli(['dlq', 'show', letters[0]!.message_id, '--json'])).stdout);
    assert.equal(shown.event.event_id, letters[0]!.event_id);

    const unconfirmed = await cli(['dlq', 'purge']);
    assert.equal(unconfirmed.code, 1);
    assert.match(unconfirmed.stderr, /--yes/);
    const purged = JSON.parse((await cli(['dlq', 'purge', '--yes', '--json'])).stdout);
    assert.deepEqual(purged.purged.sort(), letters.map((l: { message_id: string }) => l.message_id).sort());
    assert.deepEqual(await dlq.list(), []);
  });

  it('refuses options that do not apply, and answers --help and --version per command', async () => {
    const refused = await cli(['calls', 'show', 'x', '--fixture', 'y']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /--fixture does not apply to `webhooks calls show`/);
    assert.match((await cli(['stats', '--profile', 'ops'])).stderr, /--profile applies to a deployed stage/);
    const help = await cli(['replay', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /usage: webhooks replay <event_id> \| --since ISO/);
    assert.match((await cli(['--version'])).stdout, /^webhooks \d+\.\d+\.\d+/);
    assert.equal((await cli(['calls', 'show', 'x', '--no-such-option'])).code, 2);
  });
});
