import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeadLetter } from '../../lib/dlq/dead-letters';
import { startFakeSignalWire, type FakeSignalWire } from '../helpers/fake-signalwire';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

describe('operator one-liners (the real `webhooks` bin against a local stack)', () => {
  let stack: TestStack;
  let signalwire: FakeSignalWire;
  before(async () => {
    stack = await startTestStack();
    signalwire = await startFakeSignalWire();
  });
  after(async () => {
    await signalwire?.close();
    await stack?.stop();
  });

  it('lists every webhook URL to paste into SignalWire', async () => {
    const { code, json } = await stack.cli(['endpoints']);
    assert.equal(code, 0);
    const urls = (json as { method: string; url: string; use: string }[]).map((e) => `${e.method} ${e.url}`);
    for (const path of [
      '/call-status',
      '/incoming-sms',
      '/message-status',
      '/video/events',
      '/video/room-started',
      '/video/recording-ready',
    ]) {
      assert.ok(urls.includes(`POST ${stack.url}${path}`), `missing ${path} in ${urls.join(', ')}`);
    }
    assert.ok(!urls.some((u) => u.includes('{')), 'path templates are expanded');
  });

  it('replays a dead letter as a new event and keeps the original as evidence', async () => {
    // given a delivery that was dead-lettered
    const body = JSON.stringify({ call_id: 'replay-call', call_state: 'no-such-state' });
    const response = await fetch(`${stack.url}/call-status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const { event_id } = (await response.json()) as { event_id: string };
    const dead = await waitFor(async () =>
      ((await stack.cli(['dlq', 'list'])).json as DeadLetter[]).find((d) => d.event_id === event_id),
    );
    // when it is replayed
    const { code, json } = await stack.cli(['dlq', 'replay', dead.message_id]);
    // then a copy with a new event id, pointing back at the original, went through the pipeline again
    assert.equal(code, 0);
    assert.equal(json.message_id, dead.message_id);
    const copy = await waitFor(async () =>
      ((await stack.cli(['dlq', 'list'])).json as DeadLetter[]).find(
        (d) => (d.event as { replay_of?: string }).replay_of === event_id,
      ),
    );
    assert.equal(copy.event_id, json.replayed_as);
    assert.equal(copy.failure_reason, dead.failure_reason);
    assert.ok(((await stack.cli(['dlq', 'list'])).json as DeadLetter[]).some((d) => d.message_id === dead.message_id));
  });

  it('exits non-zero with a message for an unknown id', async () => {
    const { code, stderr } = await stack.cli(['dlq', 'replay', 'no-such-message']);
    assert.equal(code, 1);
    assert.match(stderr, /dead letter no-such-message not found/);
  });

  it('points a SignalWire number at the stack: inbound messages and call status, POST', async () => {
    // given a number in the SignalWire project and the operator's credentials in the shell
    const number = signalwire.addNumber('+15551234567');
    signalwire.addNumber('+15550000000');
    Object.assign(process.env, {
      SIGNALWIRE_SPACE_URL: signalwire.url,
      SIGNALWIRE_PROJECT_ID: 'p-0000',
      SIGNALWIRE_API_TOKEN: 'PT-secret',
    });
    // when the operator configures it
    const { code, json } = await stack.cli(['numbers', 'configure', '+15551234567']);
    // then the number sends its messages and call status to this stack's routes
    assert.equal(code, 0);
    assert.deepEqual(json, {
      sid: number.sid,
      phone_number: '+15551234567',
      sms_url: `${stack.url}/incoming-sms`,
      status_callback: `${stack.url}/call-status`,
    });
    assert.equal(number.sms_method, 'POST');
    assert.equal(number.status_callback_method, 'POST');
    assert.equal(signalwire.numbers[1]!.sms_url, null, 'the other number is untouched');
    const update = signalwire.requests.find((r) => r.method === 'POST')!;
    assert.equal(update.headers.authorization, `Basic ${Buffer.from('p-0000:PT-secret').toString('base64')}`);
  });

  it('refuses a number the project does not have, and plain http to anything but loopback', async () => {
    const missing = await stack.cli(['numbers', 'configure', '+15559999999']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /\+15559999999 is not in this SignalWire project/);
    const insecure = await stack.cli(['numbers', 'configure', '+15551234567', '--url', 'http://hooks.example.com']);
    assert.equal(insecure.code, 1);
    assert.match(insecure.stderr, /https/);
    assert.equal(signalwire.numbers[0]!.sms_url, `${stack.url}/incoming-sms`, 'nothing was changed');
  });
});
