import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { startFakeSignalWire, type FakeSignalWire } from '../helpers/fake-signalwire';
import { TEST_CREDENTIALS } from '../helpers/sdk-clients';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

const PROJECT_ID = 'local-schedules-project';
const API_TOKEN = 'PT_local-schedules-token';

/**
 * The local stack's EventBridge stand-in: with `schedules` on, a scheduled function (the reconciler) is invoked on its
 * rate with a Scheduled Event; `invoke` runs any function once on demand. Through the real queue, worker and table.
 */
describe('local stack: scheduled functions run on their rate, and any function on demand', { timeout: 120_000 }, () => {
  let fake: FakeSignalWire;
  let stack: TestStack;
  let dynamodb: DynamoDBClient;
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
  const callItem = async (sid: string) =>
    (
      await dynamodb.send(
        new GetItemCommand({ TableName: stack.tableName, Key: marshall({ pk: `CALL#${sid}`, sk: 'CALL' }) }),
      )
    ).Item;
  /** A call answered by webhook whose last change we move 40 minutes back: open, and old enough to ask about. */
  const openCall = async (sid: string) => {
    const response = await fetch(`${stack.url}/call-status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        CallSid: sid,
        AccountSid: PROJECT_ID,
        CallStatus: 'in-progress',
        From: '+15559876543',
        To: '+15551234567',
        Direction: 'inbound',
      }).toString(),
    });
    assert.equal(response.status, 200);
    await waitFor(async () => ((await callItem(sid))?.open_pk ? true : undefined), 10_000, 'the open call');
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: stack.tableName,
        Key: marshall({ pk: `CALL#${sid}`, sk: 'CALL' }),
        UpdateExpression: 'SET open_sk = :old',
        ExpressionAttributeValues: marshall({ ':old': minutesAgo(40).toISOString() }),
      }),
    );
  };
  const asked = (sid: string) =>
    fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/Accounts/${PROJECT_ID}/Calls/${sid}.json`));

  before(async () => {
    fake = await startFakeSignalWire();
    fake.requireToken(API_TOKEN);
    stack = await startTestStack({
      schedules: { everyMs: 250 },
      environment: {
        SIGNALWIRE_SPACE_URL: fake.url,
        SIGNALWIRE_PROJECT_ID: PROJECT_ID,
        SIGNALWIRE_API_TOKEN: API_TOKEN,
      },
    });
    dynamodb = new DynamoDBClient({
      endpoint: stack.dynamodbEndpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
  });
  after(async () => {
    dynamodb?.destroy();
    await stack?.stop();
    await fake?.close();
  });

  it("lists the reconciler's schedule rule from serverless.yml", () => {
    assert.deepEqual(stack.schedules, [
      {
        functionName: 'reconciler',
        expression: 'rate(5 minutes)',
        ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/signalwire-webhooks-local-reconcile',
        enabled: true,
      },
    ]);
  });

  it('runs the reconciler on its schedule: SignalWire is asked, and the worker applies what it learned', async () => {
    // given an open call SignalWire knows ended
    const sid = 'CA-local-schedule-1';
    fake.setCall({
      sid,
      from: '+15559876543',
      to: '+15551234567',
      status: 'completed',
      startTime: minutesAgo(5),
      endTime: minutesAgo(1),
      duration: 300,
    });
    await openCall(sid);
    // when the schedule fires (nobody invokes it here), then SignalWire is asked and the record ends
    await waitFor(async () => asked(sid).length > 0 || undefined, 30_000, 'a scheduled run asking about the call');
    const ended = await waitFor(
      async () => {
        const item = await callItem(sid);
        return item?.state?.S === 'ended' ? item : undefined;
      },
      30_000,
      'the reconciled call to be ended',
    );
    assert.equal(ended.state?.S, 'ended');
  });

  it('invoke(): runs a function once with the event given and resolves what it returned', async () => {
    const event = stack.scheduledEvent('reconciler');
    assert.deepEqual(
      [event.source, event['detail-type'], event.resources, event.account],
      ['aws.events', 'Scheduled Event', [stack.schedules[0]!.ruleArn], '000000000000'],
    );
    const report = (await stack.invoke('reconciler', event)) as { open: number; failed: unknown[] };
    assert.equal(typeof report.open, 'number');
    assert.deepEqual(report.failed, []);
    await assert.rejects(
      stack.invoke('nope', {}),
      /no function nope \(ingest, worker, swml, reconciler, recordings, deliver\)/,
    );
  });
});
