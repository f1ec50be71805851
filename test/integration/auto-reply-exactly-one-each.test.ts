import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../local/stack';
import { useAutoReplyStack } from '../helpers/auto-reply-stack';
import { postFixture } from '../helpers/fixtures';
import { incomingSms, incomingSmsRecord } from '../helpers/message-events';
import { waitFor } from '../helpers/wait';

/** One customer texting HELP twice gets two replies, whatever fails: a reply is credited to one inbound message only. */
describe('auto-replies: one reply per inbound message under failures (local stack + fake SignalWire)', {
  timeout: 170_000,
}, () => {
  const harness = useAutoReplyStack({ signalwireTimeoutMs: 2000 });

  async function assertTwoReplies(sender: string, ids: [string, string]) {
    const [a, b] = await Promise.all(ids.map((id) => harness.replies.status(id, 'sent')));
    const created = harness.replies
      .createdFor(sender)
      .map((m) => m.sid)
      .sort();
    assert.equal(created.length, 2, 'two replies reached the customer');
    assert.notEqual(a.auto_reply.reply_sid, b.auto_reply.reply_sid, 'each HELP is credited with its own reply');
    assert.deepEqual([a.auto_reply.reply_sid, b.auto_reply.reply_sid].sort(), created);
  }

  it('REGRESSION: HELP twice, the second send answered 500 once: two replies, one credited to each', async () => {
    const sender = '+15550002001';
    harness.fake.failNext(1, 500);
    await Promise.all(
      ['m-twice-500-a', 'm-twice-500-b'].map((id) => postFixture(harness.stack.url, incomingSms(id, sender, 'HELP'))),
    );
    await assertTwoReplies(sender, ['m-twice-500-a', 'm-twice-500-b']);
  });

  it('REGRESSION: HELP twice, one send times out after SignalWire created it: two replies, no third', async () => {
    const sender = '+15550002002';
    harness.fake.createThenHangNext(1);
    await Promise.all(
      ['m-twice-hang-a', 'm-twice-hang-b'].map((id) => postFixture(harness.stack.url, incomingSms(id, sender, 'HELP'))),
    );
    await assertTwoReplies(sender, ['m-twice-hang-a', 'm-twice-hang-b']);
  });

  it('REGRESSION: HELP twice, a worker dies after sending the second one: two replies, no third', async (t) => {
    const sender = '+15550002003';
    // given a worker that sends the reply to the second HELP and dies before hearing back
    harness.fake.createThenHangNext(1);
    const record = incomingSmsRecord(incomingSms('m-twice-crash-b', sender, 'HELP'));
    const worker = spawn(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'test/helpers/worker-process.ts'), JSON.stringify(record)],
      { env: { ...process.env, ...harness.stack.environments.worker }, stdio: 'ignore' },
    );
    t.after(() => worker.exitCode === null && worker.signalCode === null && worker.kill('SIGKILL'));
    await waitFor(
      async () => (harness.replies.createdFor(sender).length === 1 ? true : undefined),
      60_000,
      'the crashing worker to send',
    );
    const exited = once(worker, 'exit');
    worker.kill('SIGKILL');
    await exited;
    // and the first HELP answered meanwhile (its reply is the newest in the list)
    await postFixture(harness.stack.url, incomingSms('m-twice-crash-a', sender, 'HELP'));
    await harness.replies.status('m-twice-crash-a', 'sent');
    // when the second HELP is redelivered (its claim's lease runs out and it is taken over)
    await postFixture(harness.stack.url, incomingSms('m-twice-crash-b', sender, 'HELP'));
    // then the taker-over finds the reply the dead worker sent, not the first HELP's
    await assertTwoReplies(sender, ['m-twice-crash-a', 'm-twice-crash-b']);
    assert.equal(harness.fake.requests.filter((r) => r.method === 'POST' && r.form.To === sender).length, 2);
  });
});
