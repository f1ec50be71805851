import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeadLetter } from '../../lib/dlq/dead-letters';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

describe('operator one-liners (the real `webhooks` bin against a local stack)', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.stop());

  it('lists every webhook URL to paste into SignalWire', async () => {
    const { code, json } = await stack.cli(['endpoints']);
    assert.equal(code, 0);
    const urls = (json as { method: string; url: string; use: string }[]).map((e) => `${e.method} ${e.url}`);
    for (const path of ['/call-status', '/incoming-sms', '/message-status', '/video/events', '/video/room-started', '/video/recording-ready']) {
      assert.ok(urls.includes(`POST ${stack.url}${path}`), `missing ${path} in ${urls.join(', ')}`);
    }
    assert.ok(!urls.some((u) => u.includes('{')), 'path templates are expanded');
  });

  it('replays a dead letter as a new event and keeps the original as evidence', async () => {
    // given a delivery that was dead-lettered
    const body = JSON.stringify({ call_id: 'replay-call', call_state: 'no-such-state' });
    const response = await fetch(`${stack.url}/call-status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const { event_id } = (await response.json()) as { event_id: string };
    const dead = await waitFor(async () => ((await stack.cli(['dlq', 'list'])).json as DeadLetter[]).find((d) => d.event_id === event_id));
    // when it is replayed
    const { code, json } = await stack.cli(['dlq', 'replay', dead.message_id]);
    // then a copy with a new event id, pointing back at the original, went through the pipeline again
    assert.equal(code, 0);
    assert.equal(json.message_id, dead.message_id);
    const copy = await waitFor(async () =>
      ((await stack.cli(['dlq', 'list'])).json as DeadLetter[]).find((d) => (d.event as { replay_of?: string }).replay_of === event_id),
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
});
