import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createDeadLetterTools, type RedriveReport } from '../../lib/dlq/dead-letters';
import type { MoveReport } from '../../lib/dlq/redrive-all';
import { createEnvelope } from '../../lib/envelope/envelope';
import { createFailureStore } from '../../lib/store/failure-store';
import { createDocumentClient } from '../../lib/store/table';
import { sdkDynamoDb } from '../../lib/aws/dynamodb-sdk-sender';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

/** `webhooks dlq list/redrive` never lie: long polls until drained, redriven only once deleted, move task for all. */
describe('DLQ tools (local stack: SQS and DynamoDB emulators)', { timeout: 120_000 }, () => {
  let stack: TestStack;
  let sqs: SQSClient;
  let dynamodb: DynamoDBClient;
  const receives: { WaitTimeSeconds?: number }[] = [];
  before(async () => {
    stack = await startTestStack();
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: 'us-east-1', credentials });
    // Records what the tools ask SQS (the real client and emulator answer).
    sqs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ReceiveMessageCommand') receives.push(args.input as { WaitTimeSeconds?: number });
        return next(args);
      },
      { step: 'initialize' },
    );
    dynamodb = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1', credentials });
  });
  after(async () => {
    sqs?.destroy();
    dynamodb?.destroy();
    await stack?.stop();
  });

  const tools = (hideSeconds?: number) =>
    createDeadLetterTools(
      sqs,
      { queueUrl: stack.queueUrl, deadLetterQueueUrl: stack.deadLetterQueueUrl },
      createFailureStore({
        client: createDocumentClient(sdkDynamoDb(dynamodb)),
        tableName: stack.tableName,
        retentionDays: 90,
      }),
      { hideSeconds },
    );

  /** Dead letters as the worker leaves them: call status envelopes with their failure reason. */
  async function deadLetter(callIds: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const callId of callIds) {
      const payload = { call_id: callId, call_state: 'answered', timestamp: '2025-01-15T10:00:00Z' };
      const envelope = createEnvelope({
        kind: 'call.status',
        route: 'POST /call-status',
        content_type: 'json',
        body: JSON.stringify(payload),
        payload,
        headers: {},
      });
      const { MessageId } = await sqs.send(
        new SendMessageCommand({
          QueueUrl: stack.deadLetterQueueUrl,
          MessageBody: JSON.stringify(envelope),
          MessageAttributes: {
            failure_reason: { DataType: 'String', StringValue: 'test' },
            failure_category: { DataType: 'String', StringValue: 'exhausted' },
          },
        }),
      );
      ids.push(MessageId!);
    }
    return ids;
  }

  async function dlqDepth(): Promise<number> {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: stack.deadLetterQueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  }

  it('REGRESSION: lists with long polls (at least 1 s) until the DLQ is drained, every message once', async () => {
    const ids = await deadLetter(Array.from({ length: 23 }, (_, i) => `c-list-${i}`));
    receives.length = 0;
    const listed = await tools().list();
    assert.deepEqual(listed.map((d) => d.message_id).sort(), [...ids].sort());
    assert.ok(receives.length >= 3);
    assert.ok(
      receives.every((r) => (r.WaitTimeSeconds ?? 0) >= 1),
      JSON.stringify(receives),
    );
    // and they are visible again for the next look
    assert.equal((await tools().list()).length, 23);
  });

  it('REGRESSION: reports a message redriven only when its delete took; a handle gone stale is redriven_not_deleted', async () => {
    // given a redrive whose hide runs out before it reaches the delete (a slow send: the handle is then stale)
    const [slow] = await deadLetter(['c-stale']);
    const others = (await tools().list()).map((d) => d.message_id);
    let delayed = false;
    const slowSend = sqs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'SendMessageCommand' && !delayed) {
          delayed = true;
          await new Promise((resolve) => setTimeout(resolve, 2_500));
        }
        return next(args);
      },
      { step: 'initialize', name: 'slowSend' },
    );
    try {
      const report = (await tools(2).redrive([slow!, 'no-such-id'])) as RedriveReport;
      // then it is not counted as redriven, and an unknown id is reported, not ignored
      assert.deepEqual(report.redriven, []);
      assert.deepEqual(report.redriven_not_deleted, [slow]);
      assert.deepEqual(report.failed, [{ message_id: 'no-such-id', error: 'not in the DLQ' }]);
    } finally {
      sqs.middlewareStack.remove('slowSend');
      void slowSend;
    }
    assert.ok(others.includes(slow!));
    // and a redrive with a fresh handle deletes and reports it
    const again = (await tools().redrive([slow!])) as RedriveReport;
    assert.deepEqual(again, { redriven: [slow], redriven_not_deleted: [], failed: [] });
    assert.ok(!(await tools().list()).some((d) => d.message_id === slow));
  });

  it('REGRESSION: redriving everything is one SQS move task; the DLQ is emptied and the events applied', async () => {
    const before = (await tools().list()).length;
    await deadLetter(['c-move-1', 'c-move-2']);
    const report = (await tools().redrive()) as MoveReport;
    assert.equal(report.move_task.status, 'COMPLETED');
    assert.equal(report.move_task.messages_moved, before + 2);
    assert.equal(await dlqDepth(), 0);
    // the redriven events are applied by the worker
    for (const id of ['c-move-1', 'c-move-2'])
      await waitFor(async () => ((await stack.cli(['calls', 'show', id])).code === 0 ? true : undefined), 15_000, id);
  });
});
