import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetter } from '../../lib/dlq/dead-letters';
import { loadServerlessConfig } from '../../local/serverless-config';
import { pollerSqs, startSqsEventSource } from '../../local/sqs-event-source';
import { PROJECT_ROOT } from '../../local/stack';
import { postFixture, type Fixture } from '../helpers/fixtures';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

const callStatus = (callId: string, state: string): Fixture => ({
  name: state,
  method: 'POST',
  url: 'https://example.com/call-status',
  contentType: 'application/json',
  body: JSON.stringify({ call_id: callId, call_state: state, timestamp: '2025-01-15T10:00:00Z' }),
  headers: {},
});

describe('worker failures: retries, the DLQ and its reasons, redrive', () => {
  let stack: TestStack;
  let dynamodb: DynamoDBClient;
  let sqs: SQSClient;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  before(async () => {
    stack = await startTestStack();
    dynamodb = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1', credentials });
    sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: 'us-east-1', credentials });
  });
  after(async () => {
    dynamodb?.destroy();
    sqs?.destroy();
    await stack?.stop();
  });

  async function deadLetters(): Promise<DeadLetter[]> {
    return (await stack.cli(['dlq', 'list'])).json as DeadLetter[];
  }

  it('retries while DynamoDB is unavailable, dead-letters after the last delivery, and redrive applies it once it is back', async () => {
    // given the table is gone (DynamoDB failing every write)
    const tableDef = loadServerlessConfig(`${PROJECT_ROOT}/serverless.yml`, 'local').resources.EventsTable!.Properties;
    await dynamodb.send(new DeleteTableCommand({ TableName: stack.tableName }));
    // when a valid event arrives
    const response = await postFixture(stack.url, callStatus('retry-call', 'answered'));
    assert.equal(response.status, 200);
    const { event_id } = (await response.json()) as { event_id: string };
    // then it is retried on every delivery and dead-lettered by the worker on the fifth, with the last error
    const dead = await waitFor(
      async () => (await deadLetters()).find((d) => d.event_id === event_id),
      20_000,
      'dead letter',
    );
    assert.equal(dead.failure_category, 'exhausted');
    assert.equal(dead.attempts, 5);
    assert.match(dead.failure_reason, /^failed on all 5 deliveries; last error: could not store call status/);

    // and once DynamoDB is back, a redrive applies it
    const { TableName, AttributeDefinitions, KeySchema, BillingMode, GlobalSecondaryIndexes } =
      tableDef as unknown as CreateTableCommandInput;
    await dynamodb.send(
      new CreateTableCommand({ TableName, AttributeDefinitions, KeySchema, BillingMode, GlobalSecondaryIndexes }),
    );
    const redrive = await stack.cli(['dlq', 'redrive', '--id', dead.message_id]);
    assert.deepEqual(redrive.json, { redriven: [dead.message_id], redriven_not_deleted: [], failed: [] });
    const call = await waitFor(
      async () => (await stack.cli(['calls', 'show', 'retry-call'])).json,
      10_000,
      'redriven call',
    );
    assert.equal(call.state, 'answered');
    assert.equal(
      (await deadLetters()).some((d) => d.event_id === event_id),
      false,
    );
  });

  it('shows a reason even when SQS itself moved the message (the worker died on every delivery)', async () => {
    // given a second consumer on the same queue that crashes on every batch, as a worker killed by a timeout would
    await Promise.all(stack.eventSources.map((source) => source.stop()));
    const crashing = startSqsEventSource({
      sqs: pollerSqs(stack.sqsEndpoint, { accessKeyId: 'local', secretAccessKey: 'local' }),
      queueUrl: stack.queueUrl,
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:webhooks',
      batchSize: 10,
      batchWindowMs: 0,
      concurrency: 1,
      reportBatchItemFailures: true,
      timeoutMs: 1000,
      handler: async () => {
        throw new Error('worker crashed');
      },
    });
    const envelope = {
      version: 1,
      event_id: 'crash-event-1',
      kind: 'call.status',
      route: 'POST /call-status',
      received_at: new Date().toISOString(),
      content_type: 'json',
      body: '{}',
      payload: {},
      headers: {},
    };
    await sqs.send(new SendMessageCommand({ QueueUrl: stack.queueUrl, MessageBody: JSON.stringify(envelope) }));
    // when it has been received maxReceiveCount times, SQS's redrive policy moves it
    const dead = await waitFor(
      async () => (await deadLetters()).find((d) => d.event_id === 'crash-event-1'),
      20_000,
      'redriven by SQS',
    );
    await crashing.stop();
    // then the DLQ tooling still says what happened
    assert.match(dead.failure_reason, /moved by SQS after maxReceiveCount/);
    assert.ok(crashing.stats.failed >= 5, `delivered ${crashing.stats.failed} times`);
  });
});
