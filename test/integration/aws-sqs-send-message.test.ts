import assert from 'node:assert/strict';
import type { Server, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { sendMessageWith } from '../../lib/aws/sqs';
import { startSqs, type Emulator } from '../../local/emulators';
import { scriptedServer } from '../helpers/scripted-server';
import { sqsClientAt, TEST_CREDENTIALS } from '../helpers/sdk-clients';

const json = (status: number, body: object) => (response: ServerResponse) =>
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
const refuse = (status: number, type: string) => json(status, { __type: `com.amazonaws.sqs#${type}`, message: 'no' });

/** SendMessage through the SDK's client with the budgets the functions give it (lib/aws/sqs.ts, lib/aws/client-settings.ts). */
describe('SendMessage through the SDK with a function budget', () => {
  let sqsEmulator: Emulator;
  const servers: Server[] = [];
  const standIn = async (answers: ((response: ServerResponse) => void)[]) => {
    const scripted = await scriptedServer(answers);
    servers.push(scripted.server);
    return scripted;
  };
  before(async () => {
    sqsEmulator = await startSqs();
  });
  after(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    await sqsEmulator?.stop();
  });

  it('puts the exact body and attributes on a real queue (the local SQS emulator), unicode included', async () => {
    const reader = new SQSClient({
      endpoint: sqsEmulator.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
    const client = sqsClientAt(sqsEmulator.endpoint);
    try {
      const { QueueUrl } = await reader.send(new CreateQueueCommand({ QueueName: 'sdk-send' }));
      const body = JSON.stringify({ text: 'héllo "quoted" \\ 😀 \u2028', n: 1 });
      await sendMessageWith(client)(QueueUrl!, body, { failure_reason: { DataType: 'String', StringValue: 'why' } });
      const { Messages = [] } = await reader.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
        }),
      );
      assert.deepEqual(
        Messages.map((m) => [m.Body, m.MessageAttributes?.failure_reason?.StringValue]),
        [[body, 'why']],
      );
    } finally {
      reader.destroy();
      client.destroy();
    }
  });

  it('tries again after a 5xx and after throttling, then succeeds', async () => {
    const { url, seen } = await standIn([
      refuse(500, 'InternalError'),
      refuse(400, 'RequestThrottled'),
      json(200, { MessageId: 'm-1', MD5OfMessageBody: createHash('md5').update('x').digest('hex') }),
    ]);
    const client = sqsClientAt(url);
    await sendMessageWith(client)(`${url}/000000000000/q`, 'x');
    assert.equal(seen.length, 3);
    client.destroy();
  });

  it('gives up at once on a refusal another try cannot change (a queue that does not exist)', async () => {
    const { url, seen } = await standIn([refuse(400, 'QueueDoesNotExist')]);
    const client = sqsClientAt(url);
    await assert.rejects(
      sendMessageWith(client)(`${url}/000000000000/q`, 'x'),
      (error: Error) => error.name === 'QueueDoesNotExist',
    );
    assert.equal(seen.length, 1);
    client.destroy();
  });

  it('stops after maxAttempts when SQS keeps failing, and abandons an attempt that gets no answer in requestTimeoutMs', async () => {
    const failing = await standIn([refuse(500, 'InternalError')]);
    const client = sqsClientAt(failing.url, { maxAttempts: 2, connectionTimeoutMs: 1000, requestTimeoutMs: 2000 });
    await assert.rejects(sendMessageWith(client)(`${failing.url}/000000000000/q`, 'x'));
    assert.equal(failing.seen.length, 2);
    client.destroy();

    const silent = await standIn([() => undefined]);
    const hung = sqsClientAt(silent.url, { maxAttempts: 2, connectionTimeoutMs: 1000, requestTimeoutMs: 200 });
    const started = Date.now();
    await assert.rejects(
      sendMessageWith(hung)(`${silent.url}/000000000000/q`, 'x'),
      (error: Error) => error.name === 'TimeoutError',
    );
    assert.equal(silent.seen.length, 2, 'each attempt abandoned after its request timeout, then tried again');
    assert.ok(Date.now() - started < 3000, 'well inside SignalWire 10 s');
    hung.destroy();
  });
});
