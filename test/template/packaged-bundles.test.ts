import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { scheduledEvent } from '../../local/schedules';
import { openIndexFields } from '../../lib/store/open-index';
import { startFakeSignalWire, type FakeSignalWire } from '../helpers/fake-signalwire';
import { startRecordingServer, type RecordingServer } from '../helpers/recording-server';
import { callEndedEvent, jobBody, newSigningSecret } from '../helpers/delivery-jobs';
import { startDestinationReceiver, type DestinationReceiver } from '../helpers/destination-receiver';
import { Webhook } from 'standardwebhooks';
import { startAwsFront, type AwsFront, type FrontCall } from './aws-front/aws-https-front';
import { resolveCloudFormation, type DeployedStack } from './aws-front/cloudformation-values';
import { startEmulatorsBehindFront, type EmulatorsBehindFront } from './aws-front/emulators-behind-front';
import {
  lambdaEnvironment,
  sessionCredentials,
  type PackagedFunction,
  type SessionCredentials,
} from './aws-front/lambda-environment';
import { signedHttpApiEvent, sqsEventOf } from './aws-front/lambda-events';
import { invokePackagedHandler, type Invocation, type Sandbox } from './aws-front/run-packaged-handler';
import { makeServerCertificate, type ServerCertificate } from './aws-front/test-certificate-authority';
import { unzipBundle } from './aws-front/unzip-bundle';
import { packageTemplate, type Packaged } from './package-template';

const FUNCTIONS = {
  ingest: 'IngestLambdaFunction',
  worker: 'WorkerLambdaFunction',
  swml: 'SwmlLambdaFunction',
  reconciler: 'ReconcilerLambdaFunction',
  recordings: 'RecordingsLambdaFunction',
  deliver: 'DeliverLambdaFunction',
} as const;
type FunctionKey = keyof typeof FUNCTIONS;
type HttpResult = { statusCode: number; headers?: Record<string, string>; body: string };

const SIGNING_KEY = 'PSK_packaged-bundles-signing-key';
const API_TOKEN = 'PT_packaged-bundles-api-token';
const PROJECT_ID = '5f1c1a2e-0000-4000-8000-000000000001';
const CALLER = '+15559876543';
const OUR_NUMBER = '+15551234567';
const DESTINATION_SECRET = newSigningSecret();

describe('the packaged bundles, run as Lambda runs them, against AWS endpoints that check every signature', () => {
  let packaged: Packaged;
  let stack: DeployedStack;
  let certificate: ServerCertificate;
  let emulators: EmulatorsBehindFront;
  let front: AwsFront;
  let signalwire: FakeSignalWire;
  let recordingServer: RecordingServer;
  let receiver: DestinationReceiver;
  let work: string;
  const sandboxes = {} as Record<FunctionKey, Sandbox>;
  const resources = () => packaged.template.Resources;
  const variable = (fn: FunctionKey, name: string) =>
    String(resources()[FUNCTIONS[fn]]!.Properties.Environment.Variables[name]);

  before(async () => {
    packaged = await packageTemplate();
    stack = {
      accountId: '123456789012',
      region: regionOf(packaged.dir),
      apiId: 'a1b2c3d4e5',
      stackName: 'signalwire-webhooks-ci',
    };
    work = mkdtempSync(join(tmpdir(), 'packaged-bundles-'));
    certificate = await makeServerCertificate([
      // EventBridge's endpoint is events.<region>.amazonaws.com (its SigV4 name, not `eventbridge`).
      ...['sqs', 'dynamodb', 'ssm', 'sns', 's3', 'events'].map((service) => `${service}.${stack.region}.amazonaws.com`),
      // S3's virtual-hosted endpoint: <bucket>.s3.<region>.amazonaws.com
      `*.s3.${stack.region}.amazonaws.com`,
    ]);
    signalwire = await startFakeSignalWire();
    signalwire.requireToken(API_TOKEN);
    recordingServer = await startRecordingServer();
    receiver = await startDestinationReceiver();
    // The secrets a deploy keeps in SSM, under the names the functions' variables give.
    emulators = await startEmulatorsBehindFront(resources(), stack, {
      [variable('ingest', 'SIGNALWIRE_SIGNING_KEY_PARAMETER')]: SIGNING_KEY,
      [variable('worker', 'SIGNALWIRE_API_TOKEN_PARAMETER')]: API_TOKEN,
      [`${variable('deliver', 'DESTINATIONS_SECRET_PREFIX')}bundle`]: DESTINATION_SECRET,
    });
    // Each function runs with its own execution role's session credentials.
    const credentials = Object.fromEntries(Object.keys(FUNCTIONS).map((fn) => [fn, sessionCredentials()])) as Record<
      FunctionKey,
      SessionCredentials
    >;
    const callers = new Map(
      Object.entries(credentials).map(([fn, keys]) => [keys.accessKeyId, { name: fn, credentials: keys }]),
    );
    front = await startAwsFront({ tls: certificate, callers, routes: emulators.routes });
    for (const [fn, logicalId] of Object.entries(FUNCTIONS) as [FunctionKey, string][]) {
      const properties = resources()[logicalId]!.Properties as PackagedFunction['properties'] & {
        Code: { S3Key: string };
      };
      const taskRoot = join(work, fn, 'task');
      const home = join(work, fn, 'home');
      mkdirSync(home, { recursive: true });
      await unzipBundle(join(packaged.dir, basename(properties.Code.S3Key)), taskRoot);
      // What `--param="signalwireSpaceUrl=..." --param="signalwireProjectId=..."` sets at deploy: the worker's replies
      // and the reconciler's lookups go to a local SignalWire REST API (plain http is accepted for a loopback space only).
      // The deliverer's `--param="destinations=..."`: one destination, a receiver on this machine.
      const deployParameters: Record<string, string> =
        fn === 'worker' || fn === 'reconciler'
          ? { SIGNALWIRE_SPACE_URL: signalwire.url, SIGNALWIRE_PROJECT_ID: PROJECT_ID }
          : fn === 'deliver'
            ? { DESTINATIONS: JSON.stringify([{ name: 'bundle', url: `${receiver.url}/hooks` }]) }
            : {};
      const env = lambdaEnvironment(
        { logicalId, properties },
        resources(),
        stack,
        credentials[fn],
        { taskRoot, home, caFile: certificate.caFile },
        deployParameters,
        // The recording server is on this machine: deployed, the copier refuses any loopback address.
        fn === 'recordings'
          ? { RECORDINGS_ALLOW_LOOPBACK: 'true' }
          : fn === 'deliver'
            ? { DESTINATIONS_ALLOW_LOOPBACK: 'true' }
            : {},
      );
      sandboxes[fn] = { taskRoot, env, frontAddress: front.address, timeoutMs: (properties.Timeout ?? 3) * 1000 };
    }
  });

  after(async () => {
    await front?.close();
    await emulators?.stop();
    await signalwire?.close();
    await recordingServer?.close();
    await receiver?.close();
    certificate?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
    packaged?.dispose();
  });

  /** Invokes a function and returns its outcome with the AWS calls it made, every one as the front checked it. */
  async function invoke<Result>(
    fn: FunctionKey,
    event: unknown,
  ): Promise<Invocation<Result> & { calls: FrontCall[]; trace: string }> {
    const mark = front.calls.length;
    const invocation = await invokePackagedHandler<Result>(sandboxes[fn], event);
    const calls = front.calls.slice(mark);
    const trace = `\n--- AWS calls:\n${calls.map((call) => `${call.caller}: ${call.summary}`).join('\n')}\n--- ${fn} logs:\n${invocation.logs}`;
    return { ...invocation, calls, trace };
  }

  const incomingSms = (messageSid: string, body: string) =>
    signedHttpApiEvent(
      stack,
      {
        method: 'POST',
        path: '/incoming-sms',
        contentType: 'application/x-www-form-urlencoded',
        body: new URLSearchParams({
          MessageSid: messageSid,
          AccountSid: PROJECT_ID,
          From: CALLER,
          To: OUR_NUMBER,
          Body: body,
          NumMedia: '0',
        }).toString(),
      },
      SIGNING_KEY,
    );
  /** SignalWire's cXML status callback for a call that completed, signed, as API Gateway hands it to the ingest. */
  const completedCall = (callSid: string) =>
    signedHttpApiEvent(
      stack,
      {
        method: 'POST',
        path: '/call-status',
        contentType: 'application/x-www-form-urlencoded',
        body: new URLSearchParams({
          AccountSid: PROJECT_ID,
          ApiVersion: '2010-04-01',
          CallSid: callSid,
          CallStatus: 'completed',
          CallDuration: '42',
          Direction: 'inbound',
          From: CALLER,
          To: OUR_NUMBER,
          Timestamp: new Date().toUTCString(),
        }).toString(),
      },
      SIGNING_KEY,
    );
  /** Runs the ingest on a call's status delivery; the queued envelope, received from the webhook queue. */
  const ingestCallStatus = async (callSid: string) => {
    const ingested = await invoke<HttpResult>('ingest', completedCall(callSid));
    assert.equal(ingested.result?.statusCode, 200, ingested.trace);
    const { Messages = [] } = await emulators.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: emulators.queueUrl('WebhookQueue'),
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const queued = Messages.filter((message) => JSON.parse(message.Body ?? '{}').payload?.CallSid === callSid);
    assert.equal(queued.length, 1, ingested.trace);
    return queued;
  };
  const sendMessages = (calls: FrontCall[]) =>
    calls
      .filter((call) => call.service === 'sqs' && call.operation === 'SendMessage')
      .map(
        (call) =>
          JSON.parse(call.body) as {
            QueueUrl: string;
            MessageBody: string;
            MessageAttributes?: Record<string, { StringValue?: string }>;
          },
      );

  it('ingest: a signed delivery is answered 200 once a correctly signed SendMessage put its envelope on the queue', async () => {
    const { result, calls, trace } = await invoke<HttpResult>('ingest', incomingSms('SM-bundle-0001', 'STATUS please'));
    assert.equal(result?.statusCode, 200, trace);
    assert.ok(calls.length > 0 && calls.every((call) => call.verified && call.caller === 'ingest'), trace);
    assert.ok(
      calls.some(
        (call) =>
          call.service === 'ssm' &&
          call.operation === 'GetParameters' &&
          call.body.includes(variable('ingest', 'SIGNALWIRE_SIGNING_KEY_PARAMETER')),
      ),
      trace,
    );
    const [sent, ...more] = sendMessages(calls);
    assert.ok(sent !== undefined && more.length === 0, trace);
    assert.equal(sent.QueueUrl, resolveCloudFormation({ Ref: 'WebhookQueue' }, resources(), stack));
    const envelope = JSON.parse(sent.MessageBody);
    assert.equal(envelope.event_id, JSON.parse(result.body).event_id);
    assert.equal(envelope.kind, 'message.incoming');
    assert.equal(envelope.payload.MessageSid, 'SM-bundle-0001');
  });

  it('worker: applies the envelope through DynamoDB, replies and notifies once, and dead-letters a poison record with its reason', async () => {
    // given the ingest's message and a body that is no envelope, both on the queue, handed over as one SQS batch
    const queueUrl = emulators.queueUrl('WebhookQueue');
    await emulators.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'not an envelope' }));
    const { Messages = [] } = await emulators.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    assert.equal(Messages.length, 2, 'the envelope the ingest case queued, and the poison body');
    const queueArn = String(resolveCloudFormation({ 'Fn::GetAtt': ['WebhookQueue', 'Arn'] }, resources(), stack));
    // when the worker handles the batch
    const { result, calls, trace } = await invoke<{ batchItemFailures: unknown[] }>(
      'worker',
      sqsEventOf(Messages, queueArn, stack.region),
    );
    // then nothing is left to retry, and every AWS call it made was signed as AWS requires
    assert.deepEqual(result, { batchItemFailures: [] }, trace);
    assert.ok(
      calls.every((call) => call.verified && call.caller === 'worker'),
      trace,
    );
    const { Item } = await emulators.dynamodb.send(
      new GetItemCommand({
        TableName: sandboxes.worker.env.TABLE_NAME,
        Key: { pk: { S: 'MESSAGE#SM-bundle-0001' }, sk: { S: 'MESSAGE' } },
      }),
    );
    assert.equal(Item?.direction?.S, 'inbound', trace);
    assert.equal(Item?.body?.S, 'STATUS please');
    // the STATUS auto-reply went out with the API token read from SSM
    assert.ok(
      calls.some(
        (call) =>
          call.service === 'ssm' &&
          call.operation === 'GetParameters' &&
          call.body.includes(variable('worker', 'SIGNALWIRE_API_TOKEN_PARAMETER')),
      ),
      trace,
    );
    assert.equal(signalwire.created.length, 1, trace);
    assert.equal(signalwire.created[0]?.to, CALLER);
    assert.match(signalwire.created[0]?.body ?? '', /running normally/);
    // the inbound SMS was published to the notifications topic
    const published = calls
      .filter((call) => call.service === 'sns' && call.operation === 'Publish')
      .map((call) => new URLSearchParams(call.body));
    assert.equal(published.length, 1, trace);
    assert.equal(
      published[0]?.get('TopicArn'),
      resolveCloudFormation({ Ref: 'NotificationsTopic' }, resources(), stack),
    );
    assert.match(published[0]?.get('Message') ?? '', /STATUS please/);
    // the poison record went to the DLQ with its reason as message attributes
    const [deadLetter, ...more] = sendMessages(calls);
    assert.equal(more.length, 0, trace);
    assert.equal(deadLetter?.QueueUrl, resolveCloudFormation({ Ref: 'DeadLetterQueue' }, resources(), stack));
    const dlq = await emulators.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: emulators.queueUrl('DeadLetterQueue'),
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    assert.equal(dlq.Messages?.length, 1);
    assert.equal(dlq.Messages?.[0]?.Body, 'not an envelope');
    assert.equal(dlq.Messages?.[0]?.MessageAttributes?.failure_category?.StringValue, 'invalid');
    assert.match(dlq.Messages?.[0]?.MessageAttributes?.failure_reason?.StringValue ?? '', /not JSON/);
  });

  it("worker: puts a call's change on the stage's bus through EventBridge's regional endpoint, PutEvents signed", async () => {
    // given a signed call status delivery (SignalWire's cXML status callback: the call completed), queued by the ingest
    const sid = 'CA-bundle-events';
    const queued = await ingestCallStatus(sid);
    const queueArn = String(resolveCloudFormation({ 'Fn::GetAtt': ['WebhookQueue', 'Arn'] }, resources(), stack));
    // when the worker applies it, with EVENT_BUS_NAME as the template sets it (Ref: EventBus, the bus's name)
    const busName = String(resolveCloudFormation({ Ref: 'EventBus' }, resources(), stack));
    assert.equal(busName, 'signalwire-webhooks-ci');
    assert.equal(sandboxes.worker.env.EVENT_BUS_NAME, busName);
    const { result, calls, trace } = await invoke<{ batchItemFailures: unknown[] }>(
      'worker',
      sqsEventOf(queued, queueArn, stack.region),
    );
    // then the change is applied, and its events went out in a PutEvents to https://events.<region>.amazonaws.com/,
    // signed with the worker's session credentials for events/<region> (the front checked it as AWS does)
    assert.deepEqual(result, { batchItemFailures: [] }, trace);
    assert.ok(
      calls.every((call) => call.verified && call.caller === 'worker'),
      trace,
    );
    const puts = calls.filter((call) => call.service === 'events');
    assert.ok(puts.length > 0, trace);
    for (const put of puts) {
      assert.equal(put.operation, 'PutEvents', trace);
      assert.equal(put.host, `events.${stack.region}.amazonaws.com`, trace);
      assert.equal(put.target, '/', trace);
    }
    const entries = puts.flatMap((put) => (JSON.parse(put.body) as { Entries: { EventBusName: string }[] }).Entries);
    assert.ok(
      entries.every((entry) => entry.EventBusName === busName),
      trace,
    );
    // and the bus received them: the call's state change, then its end, both from the product's source
    const published = emulators.events.published(busName).filter((event) => event.detail.subject === `call/${sid}`);
    assert.deepEqual(
      published.map((event) => [event.source, event['detail-type']]),
      [
        ['signalwire.webhooks', 'Call State Changed'],
        ['signalwire.webhooks', 'Call Ended'],
      ],
      trace,
    );
    const changed = published[0]!.detail as { data: { call_id: string; state: string } };
    assert.deepEqual([changed.data.call_id, changed.data.state], [sid, 'ended']);
  });

  it('worker: fails the delivery, naming the call, when AWS would refuse its PutEvents (checked against another secret)', async () => {
    const sid = 'CA-bundle-events-refused';
    const queued = await ingestCallStatus(sid);
    const queueArn = String(resolveCloudFormation({ 'Fn::GetAtt': ['WebhookQueue', 'Arn'] }, resources(), stack));
    front.alterChecks({ service: 'events', secret: 'not-the-role-secret' });
    try {
      const { result, calls, trace } = await invoke<{ batchItemFailures: unknown[] }>(
        'worker',
        sqsEventOf(queued, queueArn, stack.region),
      );
      // the delivery is not acknowledged: it comes back, and its events with it
      assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: queued[0]!.MessageId }] }, trace);
      assert.match(
        calls.find((call) => !call.verified)?.summary ?? '',
        /^events PutEvents \/ SignatureDoesNotMatch: /,
        trace,
      );
      const busName = String(resolveCloudFormation({ Ref: 'EventBus' }, resources(), stack));
      assert.deepEqual(
        emulators.events.published(busName).filter((event) => event.detail.subject === `call/${sid}`),
        [],
      );
    } finally {
      front.alterChecks(undefined);
    }
  });

  it('swml: answers a signed GET /swml with a SWML document and journals the fetch with a signed SendMessage', async () => {
    const query = new URLSearchParams({
      From: CALLER,
      To: OUR_NUMBER,
      CallSid: 'c-bundle-swml',
      Direction: 'inbound',
    }).toString();
    const { result, calls, trace } = await invoke<HttpResult>(
      'swml',
      signedHttpApiEvent(stack, { method: 'GET', path: '/swml', query }, SIGNING_KEY),
    );
    assert.equal(result?.statusCode, 200, trace);
    const document = JSON.parse(result.body);
    assert.equal(document.version, '1.0.0');
    assert.ok(Array.isArray(document.sections?.main) && document.sections.main.length > 0);
    assert.ok(calls.length > 0 && calls.every((call) => call.verified && call.caller === 'swml'), trace);
    assert.ok(
      calls.some((call) => call.service === 'dynamodb' && call.operation === 'GetItem'),
      trace,
    );
    const [journal] = sendMessages(calls);
    assert.ok(journal !== undefined, trace);
    assert.equal(journal.QueueUrl, resolveCloudFormation({ Ref: 'WebhookQueue' }, resources(), stack), trace);
    assert.equal(JSON.parse(journal.MessageBody).payload.CallSid, 'c-bundle-swml');
  });

  it('reconciler: on its Scheduled Event, queries the open index (gsi3), asks SignalWire and queues what it learned, every call signed', async () => {
    // given a call our table still holds as answered, its last change 40 minutes ago, that SignalWire knows ended
    const sid = 'CA-bundle-reconcile';
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    await emulators.dynamodb.send(
      new PutItemCommand({
        TableName: sandboxes.reconciler.env.TABLE_NAME,
        Item: marshall({
          pk: `CALL#${sid}`,
          sk: 'CALL',
          state: 'answered',
          direction: 'inbound',
          from: CALLER,
          to: OUR_NUMBER,
          first_seen_at: minutesAgo(45).toISOString(),
          lookup: `compat:${sid}`,
          ...openIndexFields('call', sid, minutesAgo(40).toISOString()),
        }),
      }),
    );
    signalwire.setCall({
      sid,
      from: CALLER,
      to: OUR_NUMBER,
      status: 'completed',
      startTime: minutesAgo(45),
      endTime: minutesAgo(40),
      duration: 300,
      price: 0.0065,
    });
    // when EventBridge's rule invokes the reconciler
    const rule = `arn:aws:events:${stack.region}:${stack.accountId}:rule/signalwire-webhooks-ci-reconcile`;
    const { result, error, calls, trace } = await invoke<{
      changes: { kind: string; id: string; missing: string }[];
      failed: unknown[];
    }>('reconciler', scheduledEvent(rule, stack.region, stack.accountId));
    // then it asked SignalWire about that call with the API token read from SSM
    assert.equal(error, undefined, trace);
    assert.deepEqual(result?.failed, [], trace);
    assert.ok(
      result?.changes.some((change) => change.kind === 'call' && change.id === sid && change.missing === 'state'),
      trace,
    );
    assert.ok(
      signalwire.requests.some(
        (request) =>
          request.method === 'GET' && request.path === `/api/laml/2010-04-01/Accounts/${PROJECT_ID}/Calls/${sid}.json`,
      ),
      trace,
    );
    // and every AWS call it made was its own and correctly signed, through the regional endpoints
    assert.ok(calls.length > 0 && calls.every((call) => call.verified && call.caller === 'reconciler'), trace);
    const queries = calls.filter((call) => call.service === 'dynamodb' && call.operation === 'Query');
    assert.ok(queries.length > 0, trace);
    for (const query of queries) assert.equal(JSON.parse(query.body).IndexName, 'gsi3', trace);
    assert.ok(
      calls.some(
        (call) =>
          call.service === 'ssm' &&
          call.operation === 'GetParameters' &&
          call.body.includes(variable('reconciler', 'SIGNALWIRE_API_TOKEN_PARAMETER')),
      ),
      trace,
    );
    // what it learned is on the webhook queue, as a synthetic delivery for the worker
    const reports = sendMessages(calls);
    assert.ok(reports.length > 0, trace);
    for (const report of reports)
      assert.equal(report.QueueUrl, resolveCloudFormation({ Ref: 'WebhookQueue' }, resources(), stack), trace);
    const envelopes = reports.map((report) => JSON.parse(report.MessageBody));
    const envelope = envelopes.find((e) => e.payload?.record_id === sid);
    assert.ok(envelope, trace);
    assert.deepEqual([envelope.source, envelope.route, envelope.kind], ['reconcile', 'reconcile', 'call.status']);
  });

  it('recordings: copies a recording into the bucket through the regional S3 endpoint, a multipart upload with every part signed', async () => {
    // given a 12 MB recording (more than one part) and its copy job on the recordings queue
    const recording = recordingServer.add('rec-bundle.mp4', 12 * 1024 * 1024, 'video/mp4');
    const queueUrl = emulators.queueUrl('RecordingsQueue');
    const job = {
      version: 1,
      room_session_id: 'rs-bundle',
      recording_id: 'rec-bundle',
      url: recording.url,
      requested_at: new Date().toISOString(),
    };
    await emulators.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(job) }));
    const { Messages = [] } = await emulators.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, MessageSystemAttributeNames: ['All'] }),
    );
    assert.equal(Messages.length, 1);
    const queueArn = String(resolveCloudFormation({ 'Fn::GetAtt': ['RecordingsQueue', 'Arn'] }, resources(), stack));
    // when the copier handles it
    const { result, calls, trace } = await invoke<{ batchItemFailures: unknown[] }>(
      'recordings',
      sqsEventOf(Messages, queueArn, stack.region),
    );
    // then nothing is left to retry, and every AWS call was its own and signed as AWS requires
    assert.deepEqual(result, { batchItemFailures: [] }, trace);
    assert.ok(calls.length > 0 && calls.every((call) => call.verified && call.caller === 'recordings'), trace);
    // the upload went to the bucket's regional endpoint (virtual-hosted), in parts, each signed over its body
    const bucket = String(resolveCloudFormation({ Ref: 'RecordingsBucket' }, resources(), stack));
    const key = 'recordings/rs-bundle/rec-bundle.mp4';
    const s3 = calls.filter((call) => call.service === 's3');
    assert.deepEqual(
      s3.map((call) => call.operation).filter((operation) => operation !== 'UploadPart'),
      ['HeadObject', 'CreateMultipartUpload', 'CompleteMultipartUpload'],
      trace,
    );
    assert.ok(s3.filter((call) => call.operation === 'UploadPart').length >= 2, trace);
    for (const call of s3) assert.equal(call.target.split('?')[0], `/${key}`, trace);
    assert.ok(
      s3.every((call) => call.summary.startsWith(`s3 ${call.operation} /${bucket}/${key}`)),
      trace,
    );
    // the object is whole, and filed on the recording
    const object = await emulators.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(object.ContentType, 'video/mp4');
    const bytes = await object.Body!.transformToByteArray();
    assert.equal(createHash('sha256').update(bytes).digest('hex'), recording.sha256);
    const { Item } = await emulators.dynamodb.send(
      new GetItemCommand({
        TableName: sandboxes.recordings.env.TABLE_NAME,
        Key: { pk: { S: 'RECORDING#rec-bundle' }, sk: { S: 'RECORDING' } },
      }),
    );
    assert.deepEqual([Item?.s3_bucket?.S, Item?.s3_key?.S, Item?.sha256?.S], [bucket, key, recording.sha256], trace);
  });

  it('recordings: fails, naming the call, when an S3 signature is wrong: HeadObject checked against another secret', async () => {
    const recording = recordingServer.add('rec-bundle-2.mp4', 1024, 'audio/mpeg');
    const queueUrl = emulators.queueUrl('RecordingsQueue');
    const job = { version: 1, room_session_id: 'rs-bundle', recording_id: 'rec-bundle-2', url: recording.url };
    await emulators.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify({ ...job, requested_at: new Date().toISOString() }),
      }),
    );
    const { Messages = [] } = await emulators.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, MessageSystemAttributeNames: ['All'] }),
    );
    const queueArn = String(resolveCloudFormation({ 'Fn::GetAtt': ['RecordingsQueue', 'Arn'] }, resources(), stack));
    front.alterChecks({ service: 's3', secret: 'not-the-role-secret' });
    try {
      const { result, calls, trace } = await invoke<{ batchItemFailures: unknown[] }>(
        'recordings',
        sqsEventOf(Messages, queueArn, stack.region),
      );
      // the job is not lost: it comes back for another try
      assert.equal(result?.batchItemFailures.length, 1, trace);
      const bucket = String(resolveCloudFormation({ Ref: 'RecordingsBucket' }, resources(), stack));
      assert.match(
        calls.find((call) => !call.verified)?.summary ?? '',
        new RegExp(`^s3 HeadObject /${bucket}/recordings/rs-bundle/rec-bundle-2.mp4 SignatureDoesNotMatch: `),
        trace,
      );
      assert.ok(!calls.some((call) => call.operation === 'CreateMultipartUpload'), trace);
    } finally {
      front.alterChecks(undefined);
    }
  });

  it("deliver: POSTs a job's event signed with the destination's secret from SSM, and dead-letters a refused one with its status", async () => {
    // given two jobs for the destination on its queue; the receiver takes the first and refuses the second
    receiver.script('/hooks', { status: 204 }, { status: 422, body: '{"error":"no such account"}' });
    const queueUrl = emulators.queueUrl('DestinationsQueue');
    const [accepted, refused] = [callEndedEvent(), callEndedEvent()];
    for (const event of [accepted, refused])
      await emulators.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: jobBody('bundle', event) }));
    const messages = [];
    while (messages.length < 2) {
      const { Messages = [] } = await emulators.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, MessageSystemAttributeNames: ['All'] }),
      );
      messages.push(...Messages);
    }
    const queueArn = String(resolveCloudFormation({ 'Fn::GetAtt': ['DestinationsQueue', 'Arn'] }, resources(), stack));
    // when the deliverer handles them one at a time (the receiver answers in order)
    for (const message of messages) {
      const { result, calls, trace } = await invoke<{ batchItemFailures: unknown[] }>(
        'deliver',
        sqsEventOf([message], queueArn, stack.region),
      );
      // then neither is left to retry, and every AWS call was its own and signed as AWS requires
      assert.deepEqual(result, { batchItemFailures: [] }, trace);
      assert.ok(
        calls.every((call) => call.verified && call.caller === 'deliver'),
        trace,
      );
    }
    // the receiver verified the first as a Standard Webhooks receiver does, with the secret SSM holds
    const first = receiver.at('/hooks').find((d) => d.headers['webhook-id'] === accepted.id);
    assert.ok(first, JSON.stringify(receiver.received.map((d) => d.headers)));
    const verified = new Webhook(DESTINATION_SECRET).verify(first.body, {
      'webhook-id': String(first.headers['webhook-id']),
      'webhook-timestamp': String(first.headers['webhook-timestamp']),
      'webhook-signature': String(first.headers['webhook-signature']),
    });
    assert.deepEqual(verified, accepted);
    // the second waits in the destinations DLQ with the receiver's status and body
    const { Messages: letters = [] } = await emulators.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: emulators.queueUrl('DestinationsDeadLetterQueue'),
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    const letter = letters.find((m) => JSON.parse(m.Body!).event.id === refused.id);
    assert.ok(letter);
    assert.equal(letter.MessageAttributes?.last_status?.StringValue, '422');
    assert.equal(letter.MessageAttributes?.response_body?.StringValue, '{"error":"no such account"}');
    assert.equal(letter.MessageAttributes?.failure_reason?.StringValue, 'answered HTTP 422');
  });

  it("fails, naming the call, when the path bug is back: SendMessage signed for `/` but sent to the queue's path", async () => {
    // the request line the old transport sent (`/<account>/<queue>`) against the signature it computed for `/`
    front.alterChecks({
      service: 'sqs',
      target: (received) => new URL(JSON.parse(received.body.toString('utf8')).QueueUrl).pathname,
    });
    try {
      const { result, calls, trace } = await invoke<HttpResult>('ingest', incomingSms('SM-bundle-0002', 'hello'));
      assert.equal(result?.statusCode, 503, trace);
      const refused = calls.find((call) => !call.verified);
      assert.match(
        refused?.summary ?? '',
        /^sqs SendMessage \/123456789012\/signalwire-webhooks-ci-webhooks SignatureDoesNotMatch: /,
        trace,
      );
    } finally {
      front.alterChecks(undefined);
    }
  });

  it('fails, naming the call, when a signature is wrong: GetParameters checked against another secret', async () => {
    front.alterChecks({ service: 'ssm', secret: 'not-the-role-secret' });
    try {
      const { result, calls, trace } = await invoke<HttpResult>('ingest', incomingSms('SM-bundle-0003', 'hello'));
      assert.equal(result?.statusCode, 503, trace);
      assert.match(
        calls.find((call) => !call.verified)?.summary ?? '',
        /^ssm GetParameters \/ SignatureDoesNotMatch: /,
        trace,
      );
      assert.equal(sendMessages(calls).length, 0, 'nothing is queued without the signing key');
    } finally {
      front.alterChecks(undefined);
    }
  });
});

/** The region `serverless package` resolved (serverless-state.json), us-east-1 when it is not there. */
function regionOf(packageDir: string): string {
  const state = join(packageDir, 'serverless-state.json');
  if (!existsSync(state)) return 'us-east-1';
  return (
    (JSON.parse(readFileSync(state, 'utf8')) as { service?: { provider?: { region?: string } } }).service?.provider
      ?.region ?? 'us-east-1'
  );
}
