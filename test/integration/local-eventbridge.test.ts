import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  type PutEventsRequestEntry,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AwsCredentialIdentity } from '@smithy/types';
import { createEventBridgeClient } from '../../lib/aws/eventbridge';
import { EVENT_SOURCE } from '../../lib/events/domain-event';
import { type Emulator, type LocalEventBridge, startEventBridgeStandInHere, startSqs } from '../../local/emulators';
import { MAX_PUT_EVENTS_BYTES } from '../../local/eventbridge-put-events';
import type { EventBridgeEvent } from '../../local/eventbridge-stand-in';
import { functionAccessKeyId, LOCAL_SECRET, STACK_CREDENTIALS } from '../../local/local-credentials';
import { waitFor } from '../helpers/wait';
import { refusal } from '../helpers/assertions';

/**
 * The local EventBridge (local/eventbridge-stand-in.ts), served as the local stack serves it (in-process, behind the
 * AWS front) with the SQS emulator for its rules' targets, called through the real SDK client: PutEvents answered
 * entry by entry as AWS answers it, rules matching as EventBridge's do and delivering to SQS, local consumers, the
 * front's signature checks, and the calls recorded for the IAM parity check.
 */

const STAGE_BUS = 'signalwire-webhooks-local';
const STAGE_BUS_ARN = `arn:aws:events:us-east-1:000000000000:event-bus/${STAGE_BUS}`;

const entry = (fields: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  EventBusName: STAGE_BUS,
  Source: EVENT_SOURCE,
  DetailType: 'Call Ended',
  Detail: JSON.stringify({ id: 'evt_1', type: 'Call Ended', subject: 'call/c-1', data: { duration_seconds: 60 } }),
  ...fields,
});

describe('the local EventBridge behind the AWS front', () => {
  let sqsEmulator: Emulator;
  let bus: LocalEventBridge;
  let events: EventBridgeClient;
  let sqs: SQSClient;
  let callsDir: string;
  /** What the bus reported (a consumer's or a target's failure), instead of printing it. */
  const reported: unknown[] = [];
  const clients: EventBridgeClient[] = [];
  const clientWith = (credentials: AwsCredentialIdentity) => {
    const client = new EventBridgeClient({ endpoint: bus.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  };

  before(async () => {
    callsDir = mkdtempSync(join(tmpdir(), 'eventbridge-calls-'));
    sqsEmulator = await startSqs();
    bus = await startEventBridgeStandInHere({
      sqsEndpoint: sqsEmulator.endpoint,
      recordCallsTo: join(callsDir, 'events.jsonl'),
      onError: (error) => reported.push(error),
    });
    bus.createEventBus(STAGE_BUS);
    events = clientWith(STACK_CREDENTIALS);
    sqs = new SQSClient({ endpoint: sqsEmulator.endpoint, region: 'us-east-1', credentials: STACK_CREDENTIALS });
  });
  after(async () => {
    for (const client of clients) client.destroy();
    sqs?.destroy();
    await bus?.stop();
    await sqsEmulator?.stop();
    rmSync(callsDir, { recursive: true, force: true });
  });

  it('PutEvents: an EventId per entry, in order; each becomes an EventBridge event on its bus', async () => {
    // given two entries for the stage's bus (by name and by ARN), one with a Time and resources
    const time = new Date('2026-02-01T09:01:05.750Z');
    const before = bus.published().length;
    const answer = await events.send(
      new PutEventsCommand({
        Entries: [
          entry({ Time: time, Resources: ['arn:aws:x:us-east-1:1:thing/1'] }),
          entry({ EventBusName: STAGE_BUS_ARN, DetailType: 'Call State Changed' }),
        ],
      }),
    );
    // then both are accepted, in order
    assert.equal(answer.FailedEntryCount, 0);
    assert.equal(answer.Entries?.length, 2);
    const kept = bus.published().slice(before);
    assert.deepEqual(
      kept.map((e) => e.id),
      answer.Entries!.map((e) => e.EventId),
    );
    // and each is the event a rule sees: time in whole seconds, the local account and region, the detail parsed
    assert.deepEqual(
      { ...kept[0]!, id: 'id' },
      {
        version: '0',
        id: 'id',
        'detail-type': 'Call Ended',
        source: EVENT_SOURCE,
        account: '000000000000',
        time: '2026-02-01T09:01:05Z',
        region: 'us-east-1',
        resources: ['arn:aws:x:us-east-1:1:thing/1'],
        detail: JSON.parse(entry().Detail!),
      },
    );
    assert.equal(kept[1]!['detail-type'], 'Call State Changed');
    // and GET /published answers them too (unsigned: it is no AWS API), the bus's own with ?bus=
    const listed = (await (await fetch(`${bus.endpoint}/published?bus=${STAGE_BUS}`)).json()) as EventBridgeEvent[];
    assert.deepEqual(listed.slice(-2), kept);
    assert.deepEqual(bus.published('default'), []);
  });

  it('fails entries one by one as AWS does; the others in the same request are accepted', async () => {
    const answer = await events.send(
      new PutEventsCommand({
        Entries: [
          entry({ Source: undefined }),
          entry({ DetailType: '' }),
          entry({ Detail: undefined }),
          entry({ Detail: 'NotJSON' }),
          entry({ Detail: '[1, 2]' }),
          entry({ Detail: '"a string"' }),
          entry({ Source: 'aws.ec2' }),
          entry(),
        ],
      }),
    );
    assert.equal(answer.FailedEntryCount, 7);
    assert.deepEqual(answer.Entries!.slice(0, 7), [
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
    ]);
    assert.match(answer.Entries![7]!.EventId!, /^[0-9a-f-]{36}$/);
    assert.equal(bus.published().at(-1)!.id, answer.Entries![7]!.EventId);
  });

  it('refuses the whole request over 10 entries, or over the size limit counted as AWS counts it', async () => {
    const tooMany = await refusal(
      events.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry()) })),
    );
    assert.deepEqual({ name: tooMany.name, status: tooMany.status }, { name: 'ValidationException', status: 400 });
    assert.match(tooMany.message, /Member must have length less than or equal to 10/);

    // An entry counts 14 bytes for its Time, and the UTF-8 bytes of Source, DetailType, Detail and each resource:
    // é is two bytes.
    const sized = (bytes: number): PutEventsRequestEntry => {
      const fixed = { Time: new Date(), Source: 'test.size', DetailType: 'Sized', Resources: ['r-1'] };
      const overhead = 14 + 'test.size'.length + 'Sized'.length + 'r-1'.length + '{"p":"é"}'.length + 1;
      return { ...fixed, EventBusName: STAGE_BUS, Detail: JSON.stringify({ p: `é${'x'.repeat(bytes - overhead)}` }) };
    };
    const under = await events.send(new PutEventsCommand({ Entries: [sized(MAX_PUT_EVENTS_BYTES - 1)] }));
    assert.equal(under.FailedEntryCount, 0);
    const over = await refusal(events.send(new PutEventsCommand({ Entries: [sized(MAX_PUT_EVENTS_BYTES + 1)] })));
    assert.deepEqual(
      { name: over.name, status: over.status, message: over.message },
      {
        name: 'ValidationException',
        status: 400,
        message: 'Total size of the entries in the request is over the limit.',
      },
    );
    // the limit is on the request: two entries under it that add up to more are refused together
    const half = sized(MAX_PUT_EVENTS_BYTES / 2 + 10);
    const pair = await refusal(events.send(new PutEventsCommand({ Entries: [half, half] })));
    assert.equal(pair.name, 'ValidationException');
  });

  it('answers an EventId for an entry on a bus that does not exist, and drops it, as AWS does', async () => {
    const published = bus.published().length;
    const answer = await events.send(
      new PutEventsCommand({
        Entries: [
          entry({ EventBusName: 'no-such-bus' }),
          entry({ EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/no-such-bus' }),
        ],
      }),
    );
    assert.equal(answer.FailedEntryCount, 0);
    assert.equal(answer.Entries!.filter((e) => e.EventId).length, 2);
    assert.equal(bus.published().length, published);
  });

  it('a rule with an SQS target: the matching events reach the queue, the others do not', async () => {
    // given a queue, and a rule on the stage's bus for Call Ended events of calls over 30 s, targeting it
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'billing' }));
    const queueArn = 'arn:aws:sqs:us-east-1:000000000000:billing';
    const pattern = {
      source: [EVENT_SOURCE],
      'detail-type': ['Call Ended'],
      detail: { data: { duration_seconds: [{ numeric: ['>', 30] }] } },
    };
    const rule = await events.send(
      new PutRuleCommand({ Name: 'billing', EventBusName: STAGE_BUS, EventPattern: JSON.stringify(pattern) }),
    );
    assert.equal(rule.RuleArn, `arn:aws:events:us-east-1:000000000000:rule/${STAGE_BUS}/billing`);
    await events.send(
      new PutTargetsCommand({ Rule: 'billing', EventBusName: STAGE_BUS, Targets: [{ Id: 'queue', Arn: queueArn }] }),
    );
    // when three events are put, of which one matches
    const detail = (seconds: number) =>
      JSON.stringify({ id: `evt_${seconds}`, type: 'Call Ended', data: { duration_seconds: seconds } });
    const answer = await events.send(
      new PutEventsCommand({
        Entries: [
          entry({ Detail: detail(10) }),
          entry({ Detail: detail(60) }),
          entry({ DetailType: 'Call State Changed', Detail: detail(90) }),
        ],
      }),
    );
    // then the queue gets that one, as the EventBridge event (JSON), and nothing else
    const received = await waitFor(async () => {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
      );
      return Messages?.length ? Messages : undefined;
    });
    assert.equal(received.length, 1);
    const delivered = JSON.parse(received[0]!.Body!) as EventBridgeEvent;
    assert.equal(delivered.id, answer.Entries![1]!.EventId);
    assert.deepEqual(delivered.detail, JSON.parse(detail(60)));
    const { Messages: more } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    assert.equal(more, undefined);
    assert.deepEqual(reported, []);

    // and the rule reads back as written; it cannot be deleted while it has targets
    const described = await events.send(new DescribeRuleCommand({ Name: 'billing', EventBusName: STAGE_BUS }));
    assert.deepEqual(
      { Arn: described.Arn, EventPattern: described.EventPattern, State: described.State, Bus: described.EventBusName },
      { Arn: rule.RuleArn, EventPattern: JSON.stringify(pattern), State: 'ENABLED', Bus: STAGE_BUS },
    );
    const listed = await events.send(new ListRulesCommand({ EventBusName: STAGE_BUS, NamePrefix: 'bill' }));
    assert.deepEqual(
      listed.Rules?.map((r) => r.Name),
      ['billing'],
    );
    const targets = await events.send(new ListTargetsByRuleCommand({ Rule: 'billing', EventBusName: STAGE_BUS }));
    assert.deepEqual(targets.Targets, [{ Id: 'queue', Arn: queueArn }]);
    const busy = await refusal(events.send(new DeleteRuleCommand({ Name: 'billing', EventBusName: STAGE_BUS })));
    assert.deepEqual(
      { name: busy.name, message: busy.message },
      { name: 'ValidationException', message: "Rule can't be deleted since it has targets." },
    );
    await events.send(new RemoveTargetsCommand({ Rule: 'billing', EventBusName: STAGE_BUS, Ids: ['queue'] }));
    await events.send(new DeleteRuleCommand({ Name: 'billing', EventBusName: STAGE_BUS }));
    const gone = await refusal(events.send(new DescribeRuleCommand({ Name: 'billing', EventBusName: STAGE_BUS })));
    assert.deepEqual(
      { name: gone.name, message: gone.message },
      { name: 'ResourceNotFoundException', message: `Rule billing does not exist on EventBus ${STAGE_BUS}.` },
    );
  });

  it('refuses a rule whose pattern AWS refuses, and one on a bus that does not exist', async () => {
    const invalid = await refusal(
      events.send(
        new PutRuleCommand({ Name: 'bad', EventBusName: STAGE_BUS, EventPattern: JSON.stringify({ source: 'x' }) }),
      ),
    );
    assert.deepEqual(
      { name: invalid.name, message: invalid.message },
      {
        name: 'InvalidEventPatternException',
        message: 'Event pattern is not valid. Reason: "source" must be an object or an array',
      },
    );
    const noBus = await refusal(
      events.send(new PutRuleCommand({ Name: 'r', EventBusName: 'nope', EventPattern: '{"source":["x"]}' })),
    );
    assert.deepEqual(
      { name: noBus.name, message: noBus.message },
      { name: 'ResourceNotFoundException', message: 'Event bus nope does not exist.' },
    );
    const described = await events.send(new DescribeEventBusCommand({ Name: STAGE_BUS }));
    assert.equal(described.Arn, STAGE_BUS_ARN);
  });

  it('local consumers get the matching events; one that throws fails nothing', async () => {
    const got: EventBridgeEvent[] = [];
    const unsubscribe = bus.subscribe(
      { 'detail-type': ['Message Received'] },
      (event) => void got.push(event),
      STAGE_BUS,
    );
    const unsubscribeThrowing = bus.subscribe({ source: [EVENT_SOURCE] }, () => {
      throw new Error('a consumer that fails');
    });
    const rejecting = bus.subscribe({ source: [EVENT_SOURCE] }, async () => Promise.reject(new Error('async failure')));
    try {
      const answer = await events.send(
        new PutEventsCommand({ Entries: [entry(), entry({ DetailType: 'Message Received' })] }),
      );
      assert.equal(answer.FailedEntryCount, 0);
      assert.deepEqual(
        got.map((e) => e.id),
        [answer.Entries![1]!.EventId],
      );
      // the failing consumers' errors are reported, once per event each; PutEvents answered regardless
      await waitFor(async () => (reported.length >= 4 ? true : undefined), 2000, "the consumers' failures");
      assert.deepEqual(reported.map(String).sort(), [
        'Error: a consumer that fails',
        'Error: a consumer that fails',
        'Error: async failure',
        'Error: async failure',
      ]);
      // a pattern AWS would refuse is refused when subscribing
      assert.throws(() => bus.subscribe({ source: 'x' }, () => {}), /Event pattern is not valid/);
    } finally {
      unsubscribe();
      unsubscribeThrowing();
      rejecting();
    }
  });

  it("refuses an unsigned call, a wrong secret and a key the stack never issued, as EventBridge's JSON API does", async () => {
    // unsigned
    const unsigned = await fetch(bus.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body: JSON.stringify({ Entries: [entry()] }),
    });
    assert.equal(unsigned.status, 400);
    assert.match(((await unsigned.json()) as { __type: string }).__type, /MissingAuthenticationTokenException$/);
    // signed with a wrong secret
    const wrong = await refusal(
      clientWith({ accessKeyId: 'local', secretAccessKey: 'not-the-secret' }).send(
        new PutEventsCommand({ Entries: [entry()] }),
      ),
    );
    assert.deepEqual({ name: wrong.name, status: wrong.status }, { name: 'InvalidSignatureException', status: 400 });
    // an unknown key
    const unknown = await refusal(
      clientWith({ accessKeyId: 'AKIDSOMEONEELSE', secretAccessKey: LOCAL_SECRET }).send(
        new PutEventsCommand({ Entries: [entry()] }),
      ),
    );
    assert.deepEqual(
      { name: unknown.name, status: unknown.status },
      { name: 'UnrecognizedClientException', status: 400 },
    );
  });

  it("the functions' client (lib/aws/eventbridge.ts) reaches the bus at AWS_ENDPOINT_URL_EVENTBRIDGE, as the worker's does", async () => {
    // given the environment the local stack gives the worker, and the client built the functions' way (no endpoint)
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: functionAccessKeyId('worker'),
      AWS_SECRET_ACCESS_KEY: LOCAL_SECRET,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    });
    const client = createEventBridgeClient({ maxAttempts: 1, connectionTimeoutMs: 1000, requestTimeoutMs: 2000 });
    try {
      // when it puts an event
      const answer = await client.send(
        new PutEventsCommand({ Entries: [entry({ DetailType: 'Room Session Ended' })] }),
      );
      // then the local bus has it
      assert.equal(bus.published().at(-1)!.id, answer.Entries![0]!.EventId);
    } finally {
      client.destroy();
      process.env = saved;
    }
    // and the front recorded the worker's PutEvents on the bus's ARN (what IAM authorizes: the IAM parity check)
    const calls = readFileSync(join(callsDir, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, string>);
    assert.deepEqual(
      calls.filter((call) => call.caller === 'local-worker'),
      [{ caller: 'local-worker', service: 'events', operation: 'PutEvents', bus: STAGE_BUS_ARN }],
    );
  });
});
