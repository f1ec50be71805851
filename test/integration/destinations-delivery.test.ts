import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Webhook } from 'standardwebhooks';
import { changeVisibilityWith, sendMessageWith } from '../../lib/aws/sqs';
import { parametersReaderWith } from '../../lib/aws/ssm';
import { cachedParametersReader, requiredParameter } from '../../lib/config/ssm-parameters';
import { composeDeliverer } from '../../lib/deliverer/compose-deliverer';
import { readDeliverConfig } from '../../lib/deliverer/deliver-config';
import { processDeliveries } from '../../lib/deliverer/process-deliveries';
import { deliveryJob, deliveryJobBody } from '../../lib/destinations/delivery-job';
import { USER_AGENT } from '../../lib/destinations/sign-event';
import type { DomainEvent } from '../../lib/events/domain-event';
import { createLogger } from '../../lib/log';
import { startSqs, startSsmStandIn, type Emulator } from '../../local/emulators';
import { functionAccessKeyId, LOCAL_SECRET, STACK_CREDENTIALS } from '../../local/local-credentials';
import { PROJECT_ROOT } from '../../local/project-root';
import { loadServerlessConfig } from '../../local/serverless-config';
import { pollerSqs, startSqsEventSource, type EventSource } from '../../local/sqs-event-source';
import { LOCAL_STAGE } from '../../local/stack-stage';
import { callEndedEvent, newSigningSecret } from '../helpers/delivery-jobs';
import { startDestinationReceiver, type DestinationReceiver } from '../helpers/destination-receiver';
import { waitFor } from '../helpers/wait';

const run = promisify(execFile);
const TIMEOUT_MS = 600;

/**
 * The deliverer (lib/deliverer, as functions/deliver.ts composes it) against the SQS emulator and the SSM stand-in,
 * each behind the front that checks every signature, fed by the local SQS event source as Lambda's mapping feeds it,
 * POSTing to a real HTTP server on a loopback port: a user's endpoint that signs nothing and checks everything. The
 * backoff starts at 1 s and a try times out after 0.6 s so the retries happen while the test waits.
 */
describe('destinations: signed deliveries, retries, the DLQ and replay (SQS emulator, a real receiver)', {
  // Each case has a destination and events of its own: they run at once.
  concurrency: true,
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'destinations-'));
  const defs = loadServerlessConfig(join(PROJECT_ROOT, 'serverless.yml'), LOCAL_STAGE);
  const queueName = (logicalId: string) => String(defs.resources[logicalId]!.Properties.QueueName);
  const prefix = `/${defs.service}/${LOCAL_STAGE}/destinations/`;
  const secrets = Object.fromEntries(
    ['crm', 'flaky', 'refusing', 'redirecting', 'slow'].map((name) => [name, newSigningSecret()]),
  );
  // `npm test` names a directory: the deliverer's AWS calls are recorded there for the IAM parity check.
  const recordCallsTo = (service: string) =>
    process.env.IAM_CALLS_DIR
      ? join(
          process.env.IAM_CALLS_DIR,
          `${basename(import.meta.filename)}-${process.pid}-${randomUUID().slice(0, 8)}-${service}.jsonl`,
        )
      : undefined;
  let sqsEmulator: Emulator;
  let ssmStandIn: Emulator;
  let sqs: SQSClient;
  let deliverSqs: SQSClient;
  let deliverSsm: SSMClient;
  let receiver: DestinationReceiver;
  let source: EventSource;
  let queueUrl: string;
  let deadLetterQueueUrl: string;
  let stackFile: string;

  before(async () => {
    [sqsEmulator, receiver] = await Promise.all([
      startSqs({ ...(recordCallsTo('sqs') && { recordCallsTo: recordCallsTo('sqs') }) }),
      startDestinationReceiver(),
    ]);
    ssmStandIn = await startSsmStandIn(
      Object.fromEntries(Object.entries(secrets).map(([name, secret]) => [`${prefix}${name}`, secret])),
      { ...(recordCallsTo('ssm') && { recordCallsTo: recordCallsTo('ssm') }) },
    );
    sqs = new SQSClient({ endpoint: sqsEmulator.endpoint, region: 'us-east-1', credentials: STACK_CREDENTIALS });
    ({ QueueUrl: deadLetterQueueUrl } = (await sqs.send(
      new CreateQueueCommand({ QueueName: queueName('DestinationsDeadLetterQueue') }),
    )) as { QueueUrl: string });
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['QueueArn'] }),
    );
    ({ QueueUrl: queueUrl } = (await sqs.send(
      new CreateQueueCommand({
        QueueName: queueName('DestinationsQueue'),
        Attributes: {
          VisibilityTimeout: '30',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: 20 }),
        },
      }),
    )) as { QueueUrl: string });
    const queueArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes!.QueueArn!;

    // The deliverer as deployed, but with the function's local credentials, a short backoff and timeout, loopback.
    const config = readDeliverConfig({
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DESTINATIONS: JSON.stringify(
        Object.keys(secrets).map((name) => ({ name, url: `${receiver.url}/${name}`, types: ['Call Ended'] })),
      ),
      DESTINATIONS_SECRET_PREFIX: prefix,
      DESTINATIONS_ALLOW_LOOPBACK: 'true',
      QUEUE_URL: queueUrl,
      DLQ_URL: deadLetterQueueUrl,
      MAX_RECEIVE_COUNT: '20',
      DELIVER_RETRY_BASE_SECONDS: '1',
      DELIVER_TIMEOUT_MS: String(TIMEOUT_MS),
    });
    const credentials = { accessKeyId: functionAccessKeyId('deliver'), secretAccessKey: LOCAL_SECRET };
    deliverSqs = new SQSClient({ endpoint: sqsEmulator.endpoint, region: 'us-east-1', credentials });
    deliverSsm = new SSMClient({ endpoint: ssmStandIn.endpoint, region: 'us-east-1', credentials });
    const deps = composeDeliverer(
      config,
      {
        sendMessage: sendMessageWith(deliverSqs),
        changeVisibility: changeVisibilityWith(deliverSqs, queueUrl),
        readParameter: requiredParameter(cachedParametersReader(parametersReaderWith(deliverSsm))),
      },
      createLogger({ fn: 'deliver' }, config.runtime.logLevel),
    );
    source = startSqsEventSource({
      sqs: pollerSqs(sqsEmulator.endpoint, credentials),
      queueUrl,
      queueArn,
      batchSize: 10,
      batchWindowMs: 50,
      concurrency: 2,
      reportBatchItemFailures: true,
      timeoutMs: 20_000,
      handler: (event) => processDeliveries(event.Records, deps),
    });

    // What `npm start` writes for the CLI: the destinations queues are found by their serverless.yml names.
    stackFile = join(dir, 'stack.json');
    writeFileSync(
      stackFile,
      JSON.stringify({
        url: receiver.url,
        region: 'us-east-1',
        sqsEndpoint: sqsEmulator.endpoint,
        dynamodbEndpoint: 'http://127.0.0.1:9',
        ssmEndpoint: ssmStandIn.endpoint,
        service: defs.service,
        stage: LOCAL_STAGE,
        tableName: `${defs.service}-${LOCAL_STAGE}-events`,
        queueUrl: 'http://127.0.0.1:9/000000000000/unused',
        deadLetterQueueUrl: 'http://127.0.0.1:9/000000000000/unused-dlq',
      }),
    );
  });

  after(async () => {
    await source?.stop();
    for (const client of [sqs, deliverSqs, deliverSsm]) client?.destroy();
    await Promise.all([sqsEmulator?.stop(), ssmStandIn?.stop(), receiver?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const queue = async (destination: string, event: DomainEvent = callEndedEvent()) => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: deliveryJobBody(deliveryJob({ name: destination }, event)),
      }),
    );
    return event;
  };
  const deliveriesOf = (path: string, event: DomainEvent) =>
    receiver.at(path).filter((delivery) => delivery.headers['webhook-id'] === event.id);
  const cli = async (args: string[]) => {
    const { stdout } = await run(process.execPath, [join(PROJECT_ROOT, 'bin/webhooks.js'), ...args, '--json'], {
      env: { ...process.env, WEBHOOKS_STACK_FILE: stackFile },
    });
    return JSON.parse(stdout);
  };
  /** The destinations DLQ's messages, read and left visible again at once. */
  const deadLetters = async () => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages;
  };

  it('delivers a signed event that the receiver verifies with standardwebhooks', async () => {
    const event = await queue('crm');
    const [delivery] = await waitFor(async () => {
      const found = deliveriesOf('/crm', event);
      return found.length > 0 ? found : undefined;
    });
    assert.ok(delivery);
    assert.equal(delivery.headers['content-type'], 'application/json');
    assert.equal(delivery.headers['user-agent'], USER_AGENT);
    assert.equal(delivery.headers['webhook-id'], event.id);
    const verified = new Webhook(secrets.crm!).verify(delivery.body, {
      'webhook-id': String(delivery.headers['webhook-id']),
      'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
      'webhook-signature': String(delivery.headers['webhook-signature']),
    });
    assert.deepEqual(verified, event);
    assert.equal(delivery.body, JSON.stringify(event), 'the body is the event, serialized once');
    // another destination's secret does not verify it
    assert.throws(() =>
      new Webhook(secrets.flaky!).verify(delivery.body, {
        'webhook-id': String(delivery.headers['webhook-id']),
        'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
        'webhook-signature': String(delivery.headers['webhook-signature']),
      }),
    );
  });

  it('retries a 503 after its backoff (Retry-After honoured) and delivers it once', async () => {
    receiver.script('/flaky', { status: 503, headers: { 'retry-after': '1' }, body: 'busy' }, { status: 200 });
    const event = await queue('flaky');
    await waitFor(async () => (deliveriesOf('/flaky', event).some((d) => d.answer === 200) ? true : undefined), 15_000);
    const tries = deliveriesOf('/flaky', event);
    assert.deepEqual(
      tries.map((d) => d.answer),
      [503, 200],
    );
    assert.equal(tries[0]!.headers['webhook-id'], tries[1]!.headers['webhook-id'], 'the same id on every try');
    const gap = Number(tries[1]!.headers['webhook-timestamp']) - Number(tries[0]!.headers['webhook-timestamp']);
    assert.ok(gap >= 1, `came back after its backoff (${gap} s), signed anew`);
    new Webhook(secrets.flaky!).verify(tries[1]!.body, {
      'webhook-id': String(tries[1]!.headers['webhook-id']),
      'webhook-timestamp': String(tries[1]!.headers['webhook-timestamp']),
      'webhook-signature': String(tries[1]!.headers['webhook-signature']),
    });
    // A job left on the queue would be back within its 1 s backoff.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.equal(deliveriesOf('/flaky', event).length, 2, 'delivered once: never tried again');
  });

  it('times out a receiver that does not answer, and tries again', async () => {
    receiver.script('/slow', 'hang', { status: 200 });
    const event = await queue('slow');
    await waitFor(async () => (deliveriesOf('/slow', event).some((d) => d.answer === 200) ? true : undefined), 15_000);
    assert.deepEqual(
      deliveriesOf('/slow', event).map((d) => d.answer),
      ['hang', 200],
    );
  });

  it('never follows a redirect: a 302 is final, in the DLQ with its status', async () => {
    receiver.script('/redirecting', { status: 302, headers: { location: `${receiver.url}/crm` } });
    const event = await queue('redirecting');
    const letter = await waitFor(async () => {
      const found = (await deadLetters()).find((m) => JSON.parse(m.Body!).event.id === event.id);
      return found;
    });
    assert.equal(letter.MessageAttributes?.last_status?.StringValue, '302');
    assert.match(letter.MessageAttributes!.failure_reason!.StringValue!, /HTTP 302: redirects are not followed/);
    assert.deepEqual(deliveriesOf('/crm', event), [], 'the Location was not fetched');
    assert.equal(deliveriesOf('/redirecting', event).length, 1, 'and not tried again');
  });

  it('a 400 is final: in the DLQ with status and bounded body; `webhooks dlq` shows it, replay re-delivers it', async () => {
    const refusal = `{"error":"unknown account"}${' '.repeat(10_000)}`;
    receiver.script('/refusing', { status: 400, body: refusal });
    const event = await queue('refusing');
    await waitFor(async () =>
      (await deadLetters()).some((m) => JSON.parse(m.Body!).event.id === event.id) ? true : undefined,
    );
    assert.equal(deliveriesOf('/refusing', event).length, 1, 'never retried');

    const listed = (await cli(['dlq', 'list', '--queue', 'destinations'])) as Record<string, unknown>[];
    const letter = listed.find((l) => l.event_id === event.id);
    assert.ok(letter, JSON.stringify(listed));
    assert.equal(letter.kind, 'Call Ended');
    assert.equal(letter.destination, 'refusing');
    assert.equal(letter.last_status, 400);
    assert.equal(letter.failure_category, 'invalid');
    assert.equal(letter.failure_reason, 'answered HTTP 400');
    assert.equal(letter.attempts, 1);
    assert.equal((letter.response_body as string).length, 4096, 'the body read up to 4 KiB');
    assert.ok((letter.response_body as string).startsWith('{"error":"unknown account"}'));
    assert.deepEqual(letter.event, { version: 1, destination: 'refusing', event });

    // the receiver is fixed: a replay of the dead letter goes back on the destinations queue, same event id
    receiver.script('/refusing', { status: 200 });
    const replayed = await cli(['dlq', 'replay', String(letter.message_id), '--queue', 'destinations']);
    assert.equal(replayed.message_id, letter.message_id);
    await waitFor(async () => (deliveriesOf('/refusing', event).some((d) => d.answer === 200) ? true : undefined));
    const redelivered = deliveriesOf('/refusing', event).at(-1)!;
    new Webhook(secrets.refusing!).verify(redelivered.body, {
      'webhook-id': String(redelivered.headers['webhook-id']),
      'webhook-timestamp': String(redelivered.headers['webhook-timestamp']),
      'webhook-signature': String(redelivered.headers['webhook-signature']),
    });

    // `webhooks replay <event_id> --queue destinations` picks the event's dead letters the same way
    const byEvent = await cli(['replay', event.id, '--queue', 'destinations']);
    assert.deepEqual(
      byEvent.queued.map((q: { message_id: string }) => q.message_id),
      [letter.message_id],
    );
    await waitFor(async () => (deliveriesOf('/refusing', event).length === 3 ? true : undefined));
    await waitFor(
      async () => ((await deadLetters()).some((m) => m.MessageId === letter.message_id) ? true : undefined),
      10_000,
      'the original still in the DLQ, as evidence',
    );
  });
});
