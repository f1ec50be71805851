import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startSqs, type Emulator } from '../../local/emulators';
import { STACK_CREDENTIALS } from '../../local/local-credentials';

/**
 * What the worker's retry backoff relies on (lib/worker/retry-delay.ts), as SQS does it: ChangeMessageVisibility
 * brings a message back after the new timeout, and only receives count in ApproximateReceiveCount (local-aws-sqs
 * counts the change as one too; local/sqs-receive-count.mjs corrects it, and this fails without it).
 */
describe('local SQS: ChangeMessageVisibility on a received message (as on SQS)', () => {
  let emulator: Emulator;
  let sqs: SQSClient;
  before(async () => {
    emulator = await startSqs();
    sqs = new SQSClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: STACK_CREDENTIALS });
  });
  after(async () => {
    sqs?.destroy();
    await emulator?.stop();
  });

  const receive = async (QueueUrl: string, WaitTimeSeconds: number) =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          WaitTimeSeconds,
          AttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      )
    ).Messages?.[0];

  it('brings the message back after the new timeout, its receive count up by one per receive only', async () => {
    // given a queue with the deployed 181 s visibility timeout and one message
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: `visibility-${Date.now()}`, Attributes: { VisibilityTimeout: '181' } }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'retry me' }));
    // SQS: 1, 2, 3 (local-aws-sqs alone: 1, 3, 5, each change adding one).
    for (const expected of ['1', '2', '3']) {
      // when it is received, then set to come back in 1 s
      const message = await receive(QueueUrl!, 2);
      assert.equal(message?.Attributes?.ApproximateReceiveCount, expected);
      const changed = Date.now();
      await sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: message!.ReceiptHandle, VisibilityTimeout: 1 }),
      );
      // then it is hidden for that second, not the queue's 181 s
      assert.equal(await receive(QueueUrl!, 0), undefined, 'hidden right after the change');
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - changed))));
    }
  });
});
