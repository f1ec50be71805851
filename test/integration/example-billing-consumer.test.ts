import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'yaml';
import { billOnce, isCallEnded } from '../../examples/billing-consumer/handler';
import { matchesEventPattern } from '../../lib/events/event-pattern';
import { type LocalConsumers, startLocalConsumers } from '../../local/consumers';
import { startDynamoDb } from '../../local/emulators';
import type { EventBridgeEvent } from '../../local/eventbridge-stand-in';
import { STACK_CREDENTIALS } from '../../local/local-credentials';
import { PROJECT_ROOT } from '../../local/project-root';
import { loadServerlessConfig } from '../../local/serverless-config';
import { type Fixture, loadFixture, postFixture } from '../helpers/fixtures';
import { shuffle } from '../helpers/shuffle';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor, waitForEmptyQueue } from '../helpers/wait';

// The example consumer users copy (examples/billing-consumer), against what the product really publishes: a call's
// states, shuffled and duplicated, go through the local pipeline; the example's own rule pattern (its serverless.yml)
// picks exactly the one Call Ended out of what the bus received (in as many copies as redeliveries made, one id); its
// handler bills that call once, however often the event is delivered; and `LOCAL_CONSUMERS` (local/consumers.ts)
// runs it against the local bus as `npm start` would.

const EXAMPLE = join(PROJECT_ROOT, 'examples/billing-consumer');
const CALL_ID = 'example-billing-call-1';
const ANSWERED_AT = Date.parse('2026-03-02T14:00:00Z');
const ENDED_AT = ANSWERED_AT + 75_000;

/** The example's rule, as serverless.yml declares it: `functions.billCall.events[0].eventBridge.pattern`. */
function examplePattern(): unknown {
  const config = parse(readFileSync(join(EXAMPLE, 'serverless.yml'), 'utf8')) as {
    functions: Record<string, { events: { eventBridge?: { pattern?: unknown } }[] }>;
  };
  const patterns = config.functions.billCall!.events.flatMap((event) =>
    event.eventBridge?.pattern === undefined ? [] : [event.eventBridge.pattern],
  );
  assert.equal(patterns.length, 1, 'billCall has one eventBridge pattern rule');
  return patterns[0];
}

/** A flat-JSON call status delivery, as SignalWire posts it to /call-status. */
const callStatus = (state: string, at: number): Fixture => ({
  name: state,
  method: 'POST',
  url: 'https://example.com/call-status',
  contentType: 'application/json',
  body: JSON.stringify({
    call_id: CALL_ID,
    call_state: state,
    from: '+15551230000',
    to: '+15559870000',
    direction: 'inbound',
    timestamp: new Date(at).toISOString(),
  }),
  headers: {},
});

describe('examples/billing-consumer against the local pipeline', () => {
  let stack: TestStack;
  let consumers: LocalConsumers;
  let events: EventBridgeEvent[];
  const consumerErrors: unknown[] = [];

  before(async () => {
    stack = await startTestStack();
    // Subscribed before anything is posted, as a deployed rule exists before the events it matches.
    consumers = await startLocalConsumers([EXAMPLE], stack, (error) => consumerErrors.push(error));
    const states = [callStatus('answered', ANSWERED_AT), callStatus('ended', ENDED_AT)];
    // Each state twice, shuffled, and an inbound SMS beside them: events the rule must not match.
    const deliveries = [...shuffle([...states, ...states], 11), loadFixture('incoming-sms-flat')];
    for (const delivery of deliveries) assert.equal((await postFixture(stack.url, delivery)).status, 200);
    const sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: stack.region, credentials: STACK_CREDENTIALS });
    try {
      // The worker publishes a delivery's events before it acknowledges it: once the queue is empty, all are out.
      await waitForEmptyQueue(sqs, stack.queueUrl);
      // ...unless a delivery failed for good: its events would be missing for another reason than the pattern.
      const { Attributes: dead = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: stack.deadLetterQueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      assert.equal(Number(dead.ApproximateNumberOfMessages), 0, 'a delivery was dead-lettered');
    } finally {
      sqs.destroy();
    }
    events = stack.bus.published(stack.eventBusName);
  });
  after(async () => {
    await consumers?.stop();
    await stack?.stop();
  });

  it("the example's rule pattern matches exactly the one Call Ended (75 s), and none of the others", () => {
    const pattern = examplePattern();
    const matching = events.filter((event) => matchesEventPattern(pattern, event));
    const others = events.filter((event) => !matchesEventPattern(pattern, event));
    const seen = JSON.stringify(events.map((event) => [event['detail-type'], event.detail.id]));
    // At least once: a delivery the worker holds past the queue's visibility timeout (1 s in tests) comes back, and
    // the change's events are published again with the same id. So: one distinct event, however many copies.
    assert.ok(matching.length >= 1, seen);
    assert.equal(new Set(matching.map((event) => event.detail.id)).size, 1, seen);
    for (const ended of matching) {
      assert.equal(ended['detail-type'], 'Call Ended');
      assert.ok(isCallEnded(ended), 'the handler accepts what the rule lets through');
      assert.equal(ended.detail.data.call_id, CALL_ID);
      assert.equal(ended.detail.data.duration_seconds, 75);
      assert.equal(ended.detail.data.ended_at, new Date(ENDED_AT).toISOString());
    }
    // The others are there (the call's state changes, the SMS), and are neither matched nor taken for a Call Ended.
    const otherTypes = new Set(others.map((event) => event['detail-type']));
    assert.ok(otherTypes.has('Call State Changed'), seen);
    assert.ok(otherTypes.has('Message Received'), seen);
    assert.ok(others.every((event) => !isCallEnded(event)));
  });

  it('the handler bills a redelivered Call Ended once: one line, 2 minutes for 75 s', async () => {
    const ended = events.find((event) => matchesEventPattern(examplePattern(), event));
    assert.ok(ended);
    // A DynamoDB emulator of its own, with the example's table as its serverless.yml declares it.
    const emulator = await startDynamoDb();
    const client = new DynamoDBClient({
      endpoint: emulator.endpoint,
      region: 'us-east-1',
      credentials: STACK_CREDENTIALS,
    });
    try {
      const table = loadServerlessConfig(join(EXAMPLE, 'serverless.yml'), 'test').resources.BillingLines!
        .Properties as unknown as CreateTableCommandInput;
      const { TableName, AttributeDefinitions, KeySchema, BillingMode } = table;
      await client.send(new CreateTableCommand({ TableName, AttributeDefinitions, KeySchema, BillingMode }));
      const documents = DynamoDBDocumentClient.from(client);
      // The event as delivered, then delivered again (at-least-once): the same detail.id.
      assert.equal(await billOnce(structuredClone(ended), documents, TableName!), 'billed');
      assert.equal(await billOnce(structuredClone(ended), documents, TableName!), 'already billed');
      const { Items = [] } = await documents.send(new ScanCommand({ TableName }));
      assert.deepEqual(Items, [
        {
          pk: `CALL#${CALL_ID}`,
          event_id: ended.detail.id,
          duration_seconds: 75,
          billed_minutes: 2,
          ended_at: new Date(ENDED_AT).toISOString(),
        },
      ]);
      // Not a Call Ended this consumer knows: refused loudly, never billed.
      const other = events.find((event) => event['detail-type'] === 'Call State Changed')!;
      await assert.rejects(billOnce(other, documents, TableName!), /not a Call Ended event/);
      await assert.rejects(
        billOnce({ ...ended, detail: { ...ended.detail, version: 2 } }, documents, TableName!),
        /not a Call Ended event/,
      );
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });

  it('LOCAL_CONSUMERS: subscribed to the local bus, the example billed the call once, and a redelivery changes nothing', async () => {
    const [consumer] = consumers.consumers;
    assert.equal(consumers.consumers.length, 1);
    assert.equal(consumer!.service, 'signalwire-billing-consumer');
    assert.equal(consumer!.functionName, 'billCall');
    const tableName = consumers.resources['signalwire-billing-consumer']!.BillingLines!;
    const client = new DynamoDBClient({
      endpoint: stack.dynamodbEndpoint,
      region: stack.region,
      credentials: STACK_CREDENTIALS,
    });
    const documents = DynamoDBDocumentClient.from(client);
    const lines = async () => (await documents.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
    try {
      // The bus hands the event to the consumer's thread as it publishes it: the line follows shortly.
      const [line] = await waitFor(async () => ((await lines()).length > 0 ? lines() : undefined), 10_000, 'a line');
      const ended = events.find((event) => event['detail-type'] === 'Call Ended')!;
      assert.equal(line!.pk, `CALL#${CALL_ID}`);
      assert.equal(line!.event_id, ended.detail.id);
      assert.equal(line!.billed_minutes, 2);
      // EventBridge delivers it again, in the function's own thread and environment (billCall, TABLE_NAME).
      await consumer!.invoke(ended);
      await consumer!.invoke(ended);
      assert.equal((await lines()).length, 1);
      assert.deepEqual(consumerErrors.map(String), []);
    } finally {
      client.destroy();
    }
  });
});
