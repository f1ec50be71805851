import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { showMessage } from '../../cli/commands/messages';
import type { Target } from '../../cli/target';
import { createDocumentClient } from '../../lib/store/table';
import { PROJECT_ROOT } from '../../local/stack';
import { startFakeSignalWire, type FakeSignalWire } from '../helpers/fake-signalwire';
import { postFixture } from '../helpers/fixtures';
import { incomingSms, incomingSmsRecord } from '../helpers/message-events';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

/** One customer texting HELP twice gets two replies, whatever fails: a reply is credited to one inbound message only. */
describe('auto-replies: one reply per inbound message under failures (local stack + fake SignalWire)', { timeout: 170_000 }, () => {
  let fake: FakeSignalWire;
  let stack: TestStack;
  let dynamodb: DynamoDBClient;
  let target: Pick<Target, 'table'>;
  before(async () => {
    fake = await startFakeSignalWire();
    stack = await startTestStack({
      environment: {
        SIGNALWIRE_SPACE_URL: fake.url,
        SIGNALWIRE_PROJECT_ID: 'p-test',
        SIGNALWIRE_API_TOKEN: 'PT_test_token',
        // Long enough that a loaded machine does not time out sends the fake answered; the hang tests wait it out.
        SIGNALWIRE_TIMEOUT_MS: '2000',
        REPLY_LEASE_SECONDS: '2',
      },
    });
    dynamodb = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    target = { table: { client: createDocumentClient(dynamodb), tableName: stack.tableName, retentionDays: 90 } };
  });
  after(async () => {
    dynamodb?.destroy();
    await stack?.stop();
    await fake?.close();
  });

  const show = (id: string): Promise<any> => showMessage(target, id).catch(() => undefined);
  const replyStatus = (id: string, status: string, timeoutMs = 60_000) =>
    waitFor(async () => {
      const message = await show(id);
      return message?.auto_reply?.status === status ? message : undefined;
    }, timeoutMs, `${id} reply ${status}`);
  const createdFor = (to: string) => fake.created.filter((m) => m.to === to);

  async function assertTwoReplies(sender: string, ids: [string, string]) {
    const [a, b] = await Promise.all(ids.map((id) => replyStatus(id, 'sent')));
    const created = createdFor(sender).map((m) => m.sid).sort();
    assert.equal(created.length, 2, 'two replies reached the customer');
    assert.notEqual(a.auto_reply.reply_sid, b.auto_reply.reply_sid, 'each HELP is credited with its own reply');
    assert.deepEqual([a.auto_reply.reply_sid, b.auto_reply.reply_sid].sort(), created);
  }

  it('REGRESSION: HELP twice, the second send answered 500 once: two replies, one credited to each', async () => {
    const sender = '+15550002001';
    fake.failNext(1, 500);
    await Promise.all(['m-twice-500-a', 'm-twice-500-b'].map((id) => postFixture(stack.url, incomingSms(id, sender, 'HELP'))));
    await assertTwoReplies(sender, ['m-twice-500-a', 'm-twice-500-b']);
  });

  it('REGRESSION: HELP twice, one send times out after SignalWire created it: two replies, no third', async () => {
    const sender = '+15550002002';
    fake.createThenHangNext(1);
    await Promise.all(['m-twice-hang-a', 'm-twice-hang-b'].map((id) => postFixture(stack.url, incomingSms(id, sender, 'HELP'))));
    await assertTwoReplies(sender, ['m-twice-hang-a', 'm-twice-hang-b']);
  });

  it('REGRESSION: HELP twice, a worker dies after sending the second one: two replies, no third', async (t) => {
    const sender = '+15550002003';
    // given a worker that sends the reply to the second HELP and dies before hearing back
    fake.createThenHangNext(1);
    const record = incomingSmsRecord(incomingSms('m-twice-crash-b', sender, 'HELP'));
    const worker = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test/helpers/worker-process.ts'), JSON.stringify(record)], { env: { ...process.env, ...stack.environments.worker }, stdio: 'ignore' });
    t.after(() => worker.exitCode === null && worker.signalCode === null && worker.kill('SIGKILL'));
    await waitFor(async () => (createdFor(sender).length === 1 ? true : undefined), 60_000, 'the crashing worker to send');
    const exited = once(worker, 'exit');
    worker.kill('SIGKILL');
    await exited;
    // and the first HELP answered meanwhile (its reply is the newest in the list)
    await postFixture(stack.url, incomingSms('m-twice-crash-a', sender, 'HELP'));
    await replyStatus('m-twice-crash-a', 'sent');
    // when the second HELP is redelivered (its claim's lease runs out and it is taken over)
    await postFixture(stack.url, incomingSms('m-twice-crash-b', sender, 'HELP'));
    // then the taker-over finds the reply the dead worker sent, not the first HELP's
    await assertTwoReplies(sender, ['m-twice-crash-a', 'm-twice-crash-b']);
    assert.equal(fake.requests.filter((r) => r.method === 'POST' && r.form.To === sender).length, 2);
  });

});
