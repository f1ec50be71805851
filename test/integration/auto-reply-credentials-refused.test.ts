import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeadLetter } from '../../lib/dlq/dead-letters';
import { useAutoReplyStack } from '../helpers/auto-reply-stack';
import { postFixture } from '../helpers/fixtures';
import { incomingSms } from '../helpers/message-events';
import { waitFor } from '../helpers/wait';

/** A refusal of our API credentials (401/403) keeps the reply waiting, not failed, until the credentials work again. */
describe('auto-replies when SignalWire refuses our credentials (local stack + fake SignalWire)', {
  timeout: 170_000,
}, () => {
  const harness = useAutoReplyStack({ signalwireTimeoutMs: 2000 });

  it('REGRESSION: a 401 keeps the reply waiting (retry, not failed); once the API accepts again it goes out', async () => {
    const sender = '+15550002004';
    harness.fake.failNext(1, 401, 'Unauthorized');
    await postFixture(harness.stack.url, incomingSms('m-401', sender, 'STATUS'));
    const waiting = await harness.replies.status('m-401', 'retry', 30_000);
    assert.match(waiting.auto_reply.reason, /refused our credentials with HTTP 401/);
    const sent = await harness.replies.status('m-401', 'sent');
    assert.equal(harness.replies.createdFor(sender).length, 1);
    assert.equal(sent.auto_reply.reply_sid, harness.replies.createdFor(sender)[0]!.sid);
  });

  it('REGRESSION: refused on every delivery (token rotated), the reply is dead-lettered retryable and a redrive sends it once fixed', async () => {
    const sender = '+15550002005';
    harness.fake.requireToken('PT_rotated');
    const response = await postFixture(harness.stack.url, incomingSms('m-rotated', sender, 'INFO'));
    const { event_id } = (await response.json()) as { event_id: string };
    const dead = await waitFor(
      async () =>
        ((await harness.stack.cli(['dlq', 'list'])).json as DeadLetter[]).find((d) => d.event_id === event_id),
      60_000,
      'dead letter',
    );
    assert.equal(dead.failure_category, 'exhausted');
    assert.equal((await harness.replies.show('m-rotated')).auto_reply.status, 'retry');
    assert.equal(harness.replies.createdFor(sender).length, 0);
    // when the credentials work again and the operator redrives
    harness.fake.requireToken(undefined);
    const redrive = await harness.stack.cli(['dlq', 'redrive', '--id', dead.message_id]);
    assert.deepEqual(redrive.json.redriven, [dead.message_id]);
    // then the reply goes out, once
    await harness.replies.status('m-rotated', 'sent');
    assert.equal(harness.replies.createdFor(sender).length, 1);
  });
});
