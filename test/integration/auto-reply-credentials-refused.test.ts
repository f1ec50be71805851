import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { showMessage } from '../../cli/commands/messages';
import type { Target } from '../../cli/target';
import type { DeadLetter } from '../../lib/dlq/dead-letters';
import { createDocumentClient } from '../../lib/store/table';
import { startFakeSignalWire, type FakeSignalWire } from '../helpers/fake-signalwire';
import { postFixture } from '../helpers/fixtures';
import { incomingSms } from '../helpers/message-events';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

/** A refusal of our API credentials (401/403) keeps the reply waiting, not failed, until the credentials work again. */
describe('auto-replies when SignalWire refuses our credentials (local stack + fake SignalWire)', { timeout: 170_000 }, () => {
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

  it('REGRESSION: a 401 keeps the reply waiting (retry, not failed); once the API accepts again it goes out', async () => {
    const sender = '+15550002004';
    fake.failNext(1, 401, 'Unauthorized');
    await postFixture(stack.url, incomingSms('m-401', sender, 'STATUS'));
    const waiting = await replyStatus('m-401', 'retry', 30_000);
    assert.match(waiting.auto_reply.reason, /refused our credentials with HTTP 401/);
    const sent = await replyStatus('m-401', 'sent');
    assert.equal(createdFor(sender).length, 1);
    assert.equal(sent.auto_reply.reply_sid, createdFor(sender)[0]!.sid);
  });

  it('REGRESSION: refused on every delivery (token rotated), the reply is dead-lettered retryable and a redrive sends it once fixed', async () => {
    const sender = '+15550002005';
    fake.requireToken('PT_rotated');
    const response = await postFixture(stack.url, incomingSms('m-rotated', sender, 'INFO'));
    const { event_id } = (await response.json()) as { event_id: string };
    const dead = await waitFor(async () => ((await stack.cli(['dlq', 'list'])).json as DeadLetter[]).find((d) => d.event_id === event_id), 60_000, 'dead letter');
    assert.equal(dead.failure_category, 'exhausted');
    assert.equal((await show('m-rotated')).auto_reply.status, 'retry');
    assert.equal(createdFor(sender).length, 0);
    // when the credentials work again and the operator redrives
    fake.requireToken(undefined);
    const redrive = await stack.cli(['dlq', 'redrive', '--id', dead.message_id]);
    assert.deepEqual(redrive.json.redriven, [dead.message_id]);
    // then the reply goes out, once
    await replyStatus('m-rotated', 'sent');
    assert.equal(createdFor(sender).length, 1);
  });
});
