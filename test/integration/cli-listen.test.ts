import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, ListQueuesCommand, SQSClient, TagQueueCommand } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import type { DomainEvent } from '../../lib/events/domain-event';
import { EVENT_TYPES } from '../../lib/events/domain-event';
import { parseEventTypes } from '../../lib/listen/event-types-option';
import { LEFTOVER_AFTER_MS, openSubscription, removeLeftovers } from '../../lib/listen/listen-subscription';
import { STACK_CREDENTIALS } from '../../local/local-credentials';
import { PROJECT_ROOT } from '../../local/stack';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor, waitForEmptyQueue } from '../helpers/wait';

// `webhooks listen` against the local stack: the real bin as a child process subscribes to the local bus (a rule and a
// queue of its own), forwards each matching event to a real HTTP receiver that checks its Standard Webhooks signature,
// prints a line per forward, and removes its rule and queue on Ctrl-C.

const BIN = join(PROJECT_ROOT, 'bin/webhooks.js');
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const ANSWERED_AT = Date.parse('2026-03-02T14:00:00Z');

/** What the receiver got: the verified event and its headers, or why the signature check refused it. */
type Received = { event: DomainEvent; headers: IncomingHttpHeaders } | { refused: string };

/** A developer's endpoint: verifies every request as their app would, answers 200 (or 401 when it does not verify). */
async function startVerifyingReceiver(secret: string, answerFor: (event: DomainEvent) => number) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let status: number;
      try {
        const event = new Webhook(secret).verify(body, request.headers as Record<string, string>) as DomainEvent;
        received.push({ event, headers: request.headers });
        status = answerFor(event);
      } catch (error) {
        received.push({ refused: String(error) });
        status = 401;
      }
      response.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Posts a call's answered, then ended, `seconds` apart (flat JSON, as SignalWire posts call status). */
async function postCall(stack: TestStack, callId: string, seconds: number): Promise<void> {
  for (const [state, at] of [
    ['answered', ANSWERED_AT],
    ['ended', ANSWERED_AT + seconds * 1000],
  ] as const) {
    const response = await fetch(`${stack.url}/call-status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        call_id: callId,
        call_state: state,
        from: '+15551230000',
        to: '+15559870000',
        direction: 'inbound',
        timestamp: new Date(at).toISOString(),
      }),
    });
    assert.equal(response.status, 200);
  }
}

describe('webhooks listen', () => {
  let stack: TestStack;
  let eventBridge: EventBridgeClient;
  let sqs: SQSClient;
  const listenPrefix = () => `${stack.eventBusName}-listen-`;
  const rules = async () =>
    (await eventBridge.send(new ListRulesCommand({ EventBusName: stack.eventBusName, NamePrefix: listenPrefix() })))
      .Rules ?? [];
  const queues = async () =>
    (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: listenPrefix() }))).QueueUrls ?? [];

  /** A session killed outright (`kill -9`): it stopped marking itself alive, `ago` ms before now. */
  const killedSession = async (ago = LEFTOVER_AFTER_MS + 60_000) => {
    const session = await openSubscription({ eventBridge, sqs }, stack.eventBusName, undefined);
    const seen = String(Date.now() - ago);
    await sqs.send(new TagQueueCommand({ QueueUrl: session.queueUrl, Tags: { 'webhooks-listen-seen': seen } }));
    return session;
  };

  before(async () => {
    stack = await startTestStack();
    const at = (endpoint: string) => ({ endpoint, region: stack.region, credentials: STACK_CREDENTIALS });
    eventBridge = new EventBridgeClient(at(stack.eventBridgeEndpoint));
    sqs = new SQSClient(at(stack.sqsEndpoint));
  });
  after(async () => {
    eventBridge?.destroy();
    sqs?.destroy();
    await stack?.stop();
  });

  it('forwards only the Call Ended, signed, prints its status, and removes its rule and queue on Ctrl-C', async (t) => {
    const receiver = await startVerifyingReceiver(SECRET, (event) => (event.subject === 'call/listen-503' ? 503 : 200));
    t.after(() => receiver.close());
    // given what a session killed earlier left on the bus
    const leftover = await killedSession();
    const child = spawn(
      process.execPath,
      [BIN, 'listen', '--forward', receiver.url, '--types', 'Call Ended', '--secret', SECRET],
      { env: { ...process.env, WEBHOOKS_STACK_FILE: stack.stackFile } },
    );
    t.after(() => void (child.exitCode === null && child.kill('SIGKILL')));
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(async () => (err.includes('Ready!') ? true : undefined), 60_000, `listen to be ready (${err})`);
    assert.ok(!err.includes(SECRET), 'a secret given with --secret is not printed');
    assert.ok(err.includes(`removed the rule and queue ${leftover.name} a stopped listen left`), err);

    // While it runs: its rule (Call Ended only) and its queue, and no more the killed session's.
    const [rule, ...otherRules] = await rules();
    assert.equal(otherRules.length, 0);
    assert.deepEqual(JSON.parse(rule!.EventPattern!), {
      source: ['signalwire.webhooks'],
      'detail-type': ['Call Ended'],
    });
    assert.deepEqual(
      (await queues()).map((url) => url.split('/').pop()),
      [rule!.Name],
    );

    await postCall(stack, 'listen-1', 75);
    const line = await waitFor(
      async () => out.split('\n').find((l) => l.includes('call/listen-1')),
      20_000,
      `the forward's line (stdout: ${out}, stderr: ${err})`,
    );
    assert.match(line, /^\d\d:\d\d:\d\d\.\d{3} {2}Call Ended +evt_[0-9a-f]{32} {2}call\/listen-1 {2}200 {2}\d+ ms$/);

    // A receiver answering 503: printed, not retried.
    await postCall(stack, 'listen-503', 30);
    const failed = await waitFor(
      async () => out.split('\n').find((l) => l.includes('call/listen-503')),
      20_000,
      `the failed forward's line (stdout: ${out})`,
    );
    assert.match(failed, / {2}503 {2}\d+ ms {2}\(not retried\)$/);

    // The worker publishes a delivery's events before it acknowledges it: once the webhook queue is empty, every event
    // of both calls is on the bus (the state changes too). Then a wrongly forwarded one is given time to arrive.
    await waitForEmptyQueue(sqs, stack.queueUrl);
    assert.ok(
      stack.bus.published(stack.eventBusName).some((e) => e['detail-type'] === 'Call State Changed'),
      'state changes were published, and not forwarded',
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.deepEqual(
      receiver.received.filter((r) => 'refused' in r),
      [],
      'every forward verifies with the secret',
    );
    const events = receiver.received.flatMap((r) => ('event' in r ? [r] : []));
    assert.deepEqual(
      [...new Set(events.map(({ event }) => `${event.type} ${event.subject}`))],
      ['Call Ended call/listen-1', 'Call Ended call/listen-503'],
      'the Call Ended of each call, and no state change',
    );
    // The bus is at least once (a delivery the worker retried publishes its events again, same ids): each copy the
    // bus accepted is forwarded once, the 503 included (not retried).
    const published = stack.bus.published(stack.eventBusName);
    for (const id of new Set(events.map(({ event }) => event.id))) {
      const copies = published.filter((e) => e.detail.id === id).length;
      assert.equal(events.filter(({ event }) => event.id === id).length, copies, `${id}: forwarded once per copy`);
      assert.equal(out.split('\n').filter((l) => l.includes(id)).length, copies, `${id}: a line per forward`);
    }
    const ended = events[0]!;
    assert.equal((ended.event as DomainEvent<'Call Ended'>).data.duration_seconds, 75);
    assert.equal(ended.headers['webhook-id'], ended.event.id, 'webhook-id is the event id');
    assert.ok(line.includes(ended.event.id), 'the line names the event id');
    assert.deepEqual(
      ended.event,
      published.find((e) => e.detail.id === ended.event.id)!.detail,
      "the body is the bus event's detail",
    );

    child.kill('SIGINT');
    assert.equal(await exited, 0, `Ctrl-C ends listen with status 0 (stderr: ${err})`);
    assert.deepEqual(await rules(), [], 'its rule is gone');
    assert.deepEqual(await queues(), [], 'its queue is gone');
  });

  it('removes what killed sessions left (queue, rule, target), never a running session', async () => {
    const clients = { eventBridge, sqs };
    const nameOf = (url: string) => url.split('/').pop();
    const running = await openSubscription(clients, stack.eventBusName, undefined);
    const killed = await killedSession();
    // a session alive a minute ago is a running one
    const recent = await killedSession(60_000);
    assert.deepEqual(await removeLeftovers(clients, stack.eventBusName), [killed.name]);
    assert.deepEqual((await rules()).map((r) => r.Name).sort(), [recent.name, running.name].sort());
    assert.deepEqual((await queues()).map(nameOf).sort(), [recent.name, running.name].sort());
    // A queue alone (killed before it had a rule), never marked: judged by its age. An hour on, all three are leftovers.
    const orphan = `${listenPrefix()}0a0b0c0d`;
    await sqs.send(new CreateQueueCommand({ QueueName: orphan }));
    assert.deepEqual(await removeLeftovers(clients, stack.eventBusName), [], 'a new unmarked queue may be opening');
    const anHourOn = Date.now() + 3_600_000;
    assert.deepEqual(
      (await removeLeftovers(clients, stack.eventBusName, anHourOn)).sort(),
      [orphan, recent.name, running.name].sort(),
    );
    assert.deepEqual(await rules(), []);
    assert.deepEqual(await queues(), []);
  });

  it('refuses an unknown --types naming the known ones, and a failed subscribe leaves nothing behind', async () => {
    assert.throws(
      () => parseEventTypes('Call Ended, Call Endd'),
      (error: Error) => error.message.includes('"Call Endd"') && error.message.includes(EVENT_TYPES.join(', ')),
    );
    assert.deepEqual(parseEventTypes(' Call Ended,Message Received,Call Ended '), ['Call Ended', 'Message Received']);
    assert.equal(parseEventTypes(undefined), undefined);

    // No such bus: PutRule is refused after the queue was made; the queue is deleted before the error comes back.
    await assert.rejects(
      openSubscription({ eventBridge, sqs }, 'no-such-bus', ['Call Ended']),
      (error: Error) => /could not subscribe to no-such-bus/.test(error.message) && !/left behind/.test(error.message),
    );
    assert.deepEqual(
      (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'no-such-bus-listen-' }))).QueueUrls ?? [],
      [],
    );
  });
});
