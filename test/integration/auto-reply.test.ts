import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetter } from '../../lib/dlq/dead-letters';
import { parseAutoReplyConfig } from '../../lib/messages/auto-reply';
import { PROJECT_ROOT } from '../../local/stack';
import { startAutoReplyStack, type AutoReplyStack } from '../helpers/auto-reply-stack';
import type { FakeSignalWire } from '../helpers/fake-signalwire';
import { loadFixture, postFixture } from '../helpers/fixtures';
import { incomingSms, incomingSmsRecord } from '../helpers/message-events';
import type { TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

const OUR_NUMBER = '+15551234567';
const HELP_TEXT = parseAutoReplyConfig().replies.get('HELP')!;

describe('keyword auto-replies through the SignalWire REST API (local stack + fake SignalWire)', {
  timeout: 120_000,
}, () => {
  let harness: AutoReplyStack;
  let fake: FakeSignalWire;
  let stack: TestStack;
  let sqs: SQSClient;
  before(async () => {
    // A lease the takeover outlasts on a loaded machine, and retries spread so that deliveries waiting on it are not
    // dead-lettered first (deployed: a 90 s lease against 5 x 181 s of retries).
    harness = await startAutoReplyStack({
      signalwireTimeoutMs: 500,
      waitMs: 15_000,
      leaseSeconds: 4,
      visibilitySeconds: 3,
    });
    ({ fake, stack } = harness);
    sqs = new SQSClient({
      endpoint: stack.sqsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  after(async () => {
    sqs?.destroy();
    await harness?.stop();
  });

  const show = (id: string) => harness.replies.show(id);
  const replyStatus = (id: string, status: string, timeoutMs?: number) => harness.replies.status(id, status, timeoutMs);
  const createdFor = (to: string) => harness.replies.createdFor(to);
  const sendsTo = (to: string) => fake.requests.filter((r) => r.method === 'POST' && r.form.To === to);

  it('answers HELP once, asks for receipts at our /message-status, and the receipts attach to the reply', async () => {
    // given the HELP fixture, delivered twice
    const fixture = loadFixture('incoming-sms-flat');
    // when
    for (let i = 0; i < 2; i++) assert.equal((await postFixture(stack.url, fixture)).status, 200);
    // then one reply went out, from our number, with the HELP text and a status callback to this stack
    const inbound = await replyStatus('msg_00000001', 'sent');
    const [sent, ...more] = sendsTo('+15559876543');
    assert.equal(more.length, 0);
    assert.deepEqual(sent!.form, {
      From: OUR_NUMBER,
      To: '+15559876543',
      Body: HELP_TEXT,
      StatusCallback: `${stack.url}/message-status`,
    });
    assert.equal(inbound.auto_reply.keyword, 'HELP');
    assert.equal(inbound.auto_reply.reply_sid, createdFor('+15559876543')[0]!.sid);
    // when SignalWire reports on the reply (cXML form, out of order) at the URL it was given
    const sid = inbound.auto_reply.reply_sid as string;
    for (const status of ['delivered', 'sent']) {
      const body = new URLSearchParams({
        MessageSid: sid,
        MessageStatus: status,
        From: OUR_NUMBER,
        To: '+15559876543',
        AccountSid: 'p-test',
      });
      const response = await fetch(sent!.form.StatusCallback!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      assert.equal(response.status, 200);
    }
    // then the reply is an outbound message record that ends delivered, with every status in its timeline
    await waitFor(async () => ((await show(sid))?.timeline.length === 3 ? true : undefined), 10_000, 'reply receipts');
    // and `webhooks messages show --json` prints it
    const reply = (await stack.cli(['messages', 'show', sid])).json;
    assert.equal(reply.direction, 'outbound');
    assert.equal(reply.in_reply_to, 'msg_00000001');
    assert.equal(reply.status, 'delivered');
    assert.deepEqual(
      reply.timeline.map((t: { status: string }) => t.status),
      ['queued', 'sent', 'delivered'],
    );
    assert.equal(reply.body, HELP_TEXT);
  });

  it('retries a send the API failed with 500 and sends exactly one reply', async () => {
    // given the API fails the next request
    fake.failNext(1, 500);
    // when a HELP arrives
    await postFixture(stack.url, incomingSms('m-500', '+15550000500', 'help'));
    // then SQS redelivers, and the second attempt sends the one reply
    const inbound = await replyStatus('m-500', 'sent');
    assert.equal(sendsTo('+15550000500').length, 2, 'one failed send, one accepted');
    assert.equal(createdFor('+15550000500').length, 1);
    assert.equal(inbound.auto_reply.attempts, 2);
  });

  it('dead-letters a reply the API refuses (400) with the reason, without retrying it', async () => {
    fake.failNext(1, 400);
    const response = await postFixture(stack.url, incomingSms('m-400', '+15550000400', 'INFO'));
    const { event_id } = (await response.json()) as { event_id: string };
    const dead = await waitFor(
      async () => ((await stack.cli(['dlq', 'list'])).json as DeadLetter[]).find((d) => d.event_id === event_id),
      10_000,
      'dead letter',
    );
    assert.equal(dead.failure_category, 'invalid');
    assert.equal(dead.attempts, 1);
    assert.match(dead.failure_reason, /^signalwire: send message rejected with HTTP 400: .*\(code 21211\)$/);
    const inbound = await show('m-400');
    assert.equal(inbound.auto_reply.status, 'failed');
    assert.match(inbound.auto_reply.reason, /HTTP 400/);
    assert.equal(sendsTo('+15550000400').length, 1);
  });

  it('retries a send that hangs, checks it did not go through, and sends exactly one reply', async () => {
    fake.hangNext(1);
    await postFixture(stack.url, incomingSms('m-hang', '+15550000111', 'STATUS'));
    await replyStatus('m-hang', 'sent');
    assert.equal(sendsTo('+15550000111').length, 2, 'the hung send and the retry');
    assert.equal(createdFor('+15550000111').length, 1);
    assert.ok(
      fake.requests.some((r) => r.method === 'GET' && r.path.includes('To=%2B15550000111')),
      'reconciled before re-sending',
    );
  });

  it('ACCEPTANCE: a HELP delivered five times at once, after a worker died between sending and recording, is answered once', async (t) => {
    const sender = '+15550000999';
    const help = incomingSms('m-crash', sender, 'HELP');
    // given a worker (the real handler, in its own process) that claims the reply and sends it; SignalWire accepts
    // the message but the worker dies (SIGKILL) before it hears back, so the claim stays in progress, unmarked
    fake.createThenHangNext(1);
    const worker = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(PROJECT_ROOT, 'test/helpers/worker-process.ts'),
        JSON.stringify(incomingSmsRecord(help)),
      ],
      {
        env: { ...process.env, ...stack.environments.worker },
        stdio: 'ignore',
      },
    );
    t.after(() => worker.exitCode === null && worker.signalCode === null && worker.kill('SIGKILL'));
    await waitFor(
      async () => (createdFor(sender).length === 1 ? true : undefined),
      15_000,
      'the crashing worker to send',
    );
    const exited = once(worker, 'exit');
    worker.kill('SIGKILL');
    await exited;
    assert.equal((await show('m-crash')).auto_reply.status, 'in_progress');

    // when the same HELP is delivered five times, concurrently
    const responses = await Promise.all(Array.from({ length: 5 }, () => postFixture(stack.url, help)));
    const eventIds = await Promise.all(responses.map(async (r) => ((await r.json()) as { event_id: string }).event_id));

    // then once the lease ran out, one delivery took the claim over, found the reply already sent, and marked it
    const inbound = await replyStatus('m-crash', 'sent');
    await waitFor(async () => ((await queueDepth()) === 0 ? true : undefined), 15_000, 'the queue to drain');
    assert.equal(sendsTo(sender).length, 1, 'exactly one send request ever reached SignalWire');
    assert.equal(createdFor(sender).length, 1);
    assert.equal(inbound.auto_reply.reply_sid, createdFor(sender)[0]!.sid);
    assert.equal(inbound.auto_reply.attempts, 2, 'the dead worker, then the one that took over');
    const dead = (await stack.cli(['dlq', 'list'])).json as DeadLetter[];
    assert.equal(dead.filter((d) => eventIds.includes(d.event_id!)).length, 0, 'no delivery was dead-lettered');
    const reply = await show(inbound.auto_reply.reply_sid);
    assert.equal(reply.in_reply_to, 'm-crash');
  });

  async function queueDepth(): Promise<number> {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: stack.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }
});
