import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import { WEBHOOK_KINDS } from '../../lib/envelope/routes';
import { sqsSafeJson, sqsSafeText } from '../../lib/queue/sqs-characters';
import { sqsRecord } from '../helpers/aws-events';
import { allFixtures, fixturePayload } from '../helpers/fixtures';
import {
  hostileRequests,
  namedCases,
  signatureHeaders,
  SIGNING_KEY,
  type HostileRequest,
} from '../helpers/hostile-requests';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor, waitForEmptyQueue } from '../helpers/wait';

const GENERATED_REQUESTS = 500;
const CONCURRENT_REQUESTS = 10;
const WORKER_BATCHES = 60;
const MAX_MS_PER_REQUEST = 2_000;

interface DeadLetterSeen {
  eventId: string | undefined;
  sourceMessageId: string | undefined;
  reason: string | undefined;
  category: string | undefined;
}

describe('hostile input (the whole local stack, a signing key configured)', () => {
  let stack: TestStack;
  let sqs: SQSClient;
  const statuses = new Map<number, number>();
  const deadLetters = new Map<string, DeadLetterSeen>();

  before(async () => {
    stack = await startTestStack({
      environment: { SIGNALWIRE_SIGNING_KEY: JSON.stringify(['PSK_previous_key_000', SIGNING_KEY]) },
    });
    sqs = new SQSClient({
      endpoint: stack.sqsEndpoint,
      region: stack.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  after(async () => {
    const count = (predicate: (status: number) => boolean) =>
      [...statuses].filter(([s]) => predicate(s)).reduce((n, [, c]) => n + c, 0);
    const byStatus = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, c]) => `${s}: ${c}`)
      .join(', ');
    console.log(
      `hostile requests: ${count(() => true)}, 4xx: ${count((s) => s >= 400 && s < 500)}, 200: ${count((s) => s === 200)}, 5xx: ${count((s) => s >= 500)} (${byStatus})`,
    );
    sqs?.destroy();
    await stack?.stop();
  });

  /** Sends one request and checks what every answer must be: 200 or a 4xx with a JSON reason, quickly. */
  async function send(request: HostileRequest): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { ...signatureHeaders(request, stack.url), ...request.headers };
    if (request.contentType !== undefined) headers['content-type'] = request.contentType;
    const started = performance.now();
    const response = await fetch(stack.url + request.path, {
      method: request.method,
      headers,
      ...(request.method !== 'GET' && request.method !== 'HEAD' && { body: request.body }),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const what = `${request.name}: ${request.method} ${request.path.slice(0, 80)} (${request.contentType}, ${request.body.length} bytes, ${request.signing})`;
    assert.ok(
      response.status === 200 || (response.status >= 400 && response.status < 500),
      `${what} answered ${response.status} ${text.slice(0, 200)}`,
    );
    assert.ok(ms < MAX_MS_PER_REQUEST, `${what} took ${Math.round(ms)} ms`);
    const body = JSON.parse(text);
    if (response.status === 200) {
      if (request.path.startsWith('/swml')) assert.equal(body.version, '1.0.0', what);
      else assert.ok(body.status === 'received' && typeof body.event_id === 'string', what);
    } else if (response.status === 401 || response.status === 403) {
      // Generic on purpose: the reason is logged and counted, never told to the caller.
      assert.deepEqual(body, { error: response.status === 401 ? 'unauthorized' : 'forbidden' }, what);
    } else {
      // The handler's reason, or API Gateway's own answer for what never reaches it (no route, over 10 MiB).
      assert.ok(typeof body.error === 'string' || typeof body.message === 'string', `${what}: ${text.slice(0, 200)}`);
    }
    return { status: response.status, body };
  }

  /** Moves every message of the DLQ into `deadLetters` (deleting it there, so the queue stays short). */
  async function drainDeadLetters(): Promise<void> {
    for (let round = 0; round < 1_000; round++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: stack.deadLetterQueueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 600,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
        }),
      );
      const fresh = Messages.filter((message) => !deadLetters.has(message.MessageId!));
      for (const message of fresh) {
        const attributes = message.MessageAttributes ?? {};
        deadLetters.set(message.MessageId!, {
          eventId: eventIdOf(message.Body ?? ''),
          sourceMessageId: attributes.source_message_id?.StringValue,
          reason: attributes.failure_reason?.StringValue,
          category: attributes.failure_category?.StringValue,
        });
      }
      if (Messages.length > 0) {
        const entries = Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! }));
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: stack.deadLetterQueueUrl, Entries: entries }));
      }
      if (fresh.length === 0) return;
    }
    assert.fail('the DLQ never ran dry');
  }

  it('answers every named hostile case as promised, and dead-letters well-formed unknown events with a reason', async () => {
    const accepted: { name: string; eventId: string }[] = [];
    for (const request of namedCases()) {
      const { status, body } = await send(request);
      assert.equal(status, request.expect, `${request.name}: ${JSON.stringify(body).slice(0, 200)}`);
      if (request.deadLetter) accepted.push({ name: request.name, eventId: body.event_id });
    }
    assert.ok(accepted.length >= 8);
    await waitFor(
      async () => {
        await drainDeadLetters();
        const seen = new Set([...deadLetters.values()].map((d) => d.eventId));
        return accepted.every(({ eventId }) => seen.has(eventId)) ? true : undefined;
      },
      15_000,
      'the unknown events in the DLQ',
    );
    for (const { name, eventId } of accepted) {
      const letter = [...deadLetters.values()].find((d) => d.eventId === eventId)!;
      assert.ok(letter.reason && letter.reason.length > 0, `${name} dead-lettered without a reason`);
      assert.equal(letter.category, 'invalid', `${name}: ${letter.reason}`);
    }
  });

  it(`answers ${GENERATED_REQUESTS} generated hostile requests with 200 or a clear 4xx, never a 5xx, within bounds`, async () => {
    const check = async (request: HostileRequest): Promise<void> => {
      const { status } = await send(request);
      const route = request.path.split('?', 1)[0]!;
      const routed = request.method === 'POST' || (request.method === 'GET' && route === '/swml');
      if (!routed) assert.equal(status, 404);
      else if (request.signing !== 'valid') assert.equal(status, 401, 'refused before the body is even parsed');
      else if (route === '/swml') assert.equal(status, 200, 'a SWML fetch always gets a document');
      else assert.ok([200, 400, 413, 415].includes(status), `signed ${request.method} ${route} answered ${status}`);
    };
    // Ten at a time, as SignalWire's retries and the internet's scanners arrive: concurrency must not hurt either.
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostileRequests, { minLength: CONCURRENT_REQUESTS, maxLength: CONCURRENT_REQUESTS }),
        async (requests) => {
          await Promise.all(requests.map(check));
        },
      ),
      { numRuns: GENERATED_REQUESTS / CONCURRENT_REQUESTS },
    );
    // Whatever was accepted is applied or dead-lettered as invalid; nothing crashes the worker into retries.
    await waitForEmptyQueue(sqs, stack.queueUrl);
    await drainDeadLetters();
    const notInvalid = [...deadLetters.values()].filter((d) => d.category !== 'invalid' || !d.reason);
    assert.deepEqual(notInvalid, [], 'dead letters that are not a clear "invalid" verdict');
  });

  it(`never lets arbitrary envelopes and orders of events crash the worker (${WORKER_BATCHES} batches, real stores)`, async () => {
    // the real worker, in this process, with exactly the environment the stack gives its worker function
    Object.assign(process.env, stack.environments.worker);
    const { handler } = (await import('../../functions/worker')) as {
      handler: (event: SQSEvent) => Promise<SQSBatchResponse>;
    };
    // A handler that never answers fails here with fast-check's seed and the batch, instead of timing out the file.
    const take = async (batch: SQSRecord[]): Promise<SQSBatchResponse> => {
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `the worker did not answer within 20 s: ${JSON.stringify(batch.map((r) => r.body)).slice(0, 2000)}`,
              ),
            ),
          20_000,
        );
      });
      return Promise.race([handler({ Records: batch }), hung]).finally(() => clearTimeout(timer));
    };
    let records = 0;
    let deadLettered = 0;
    let retried = 0;
    const property = fc.asyncProperty(fc.array(recordBody, { minLength: 1, maxLength: 10 }), async (bodies) => {
      const batch = bodies.map((body) => sqsRecord(body));
      records += batch.length;
      // given any batch, delivered for the first time; when the worker takes it
      const { batchItemFailures } = await take(batch);
      // then a record is left for a retry only when another delivery of the same kind in this batch may hold the claim
      // on its side effect (two deliveries of one inbound SMS, one room's start: the lease makes the second wait,
      // lib/claims/lease-claim.ts); no dependency fails here, so nothing else may be retried
      const failed = batch.filter((record) => batchItemFailures.some((f) => f.itemIdentifier === record.messageId));
      assert.equal(failed.length, batchItemFailures.length, 'batch item failures that name no record of the batch');
      for (const record of failed) {
        const kind = kindOf(record.body);
        assert.ok(
          kind !== undefined && batch.some((other) => other !== record && kindOf(other.body) === kind),
          `left for a retry with no concurrent delivery: ${record.body.slice(0, 200)}`,
        );
      }
      // and that retry, SQS's next delivery of the same message, settles it
      if (failed.length > 0) {
        retried += failed.length;
        const again = await take(
          failed.map((record) => sqsRecord(record.body, { messageId: record.messageId, receiveCount: 2 })),
        );
        assert.deepEqual(again.batchItemFailures, [], 'a record left for a retry was not settled by its redelivery');
      }
      // and each record was applied, or dead-lettered at once with its reason
      await drainDeadLetters();
      const mine = [...deadLetters.values()].filter((d) => batch.some((r) => r.messageId === d.sourceMessageId));
      deadLettered += mine.length;
      for (const letter of mine) {
        assert.equal(letter.category, 'invalid');
        assert.ok(letter.reason && letter.reason.length > 0);
      }
      for (const [i, record] of batch.entries()) {
        if (isUnprocessable(bodies[i]!))
          assert.ok(
            mine.some((d) => d.sourceMessageId === record.messageId),
            `not dead-lettered: ${record.body.slice(0, 120)}`,
          );
      }
    });
    // No shrinking (endOnFailure): the stores keep what every earlier batch wrote (records, claims), so a shrunk batch
    // does not replay the failure it comes from, and each step costs a whole batch against the emulators; with ten
    // records of nested JSON that is thousands of steps, which is how seeds 7 and 20261130 used to look like a hang.
    // A failure prints its seed and path at once: HOSTILE_SEED=<seed> reruns that exploration.
    // First the two batches those seeds failed on (two deliveries of one inbound SMS in a batch), replayed by seed
    // and path; then a fresh seed every run.
    for (const known of [
      { seed: 7, path: '0' },
      { seed: 20261130, path: '53' },
    ])
      await fc.assert(property, { ...known, numRuns: 1, endOnFailure: true });
    const seed = process.env.HOSTILE_SEED ? Number(process.env.HOSTILE_SEED) : randomInt(2 ** 31);
    await fc.assert(property, { numRuns: WORKER_BATCHES, seed, endOnFailure: true });
    console.log(
      `worker records (seed ${seed}): ${records}, dead-lettered: ${deadLettered}, applied: ${records - deadLettered}, left for one retry: ${retried}`,
    );
  });
});

const FIXTURE_PAYLOADS = allFixtures().map((fixture) => ({
  route: `${fixture.method} ${new URL(fixture.url).pathname}`,
  // A SWML GET carries its fields in the query, as the ingest journals them.
  payload: fixture.body === '' ? Object.fromEntries(new URL(fixture.url).searchParams) : fixturePayload(fixture),
}));
const ROUTE_KINDS: Record<string, string> = {
  'POST /call-status': 'call.status',
  'POST /incoming-sms': 'message.incoming',
  'POST /message-status': 'message.status',
  'POST /video/events': 'video.event',
  'GET /swml': 'swml.fetch',
  'POST /swml': 'swml.fetch',
};

/** A fixture's payload with some fields replaced by anything: close enough to real to reach deep into the worker. */
const mutatedFixture = fc
  .record({
    fixture: fc.constantFrom(...FIXTURE_PAYLOADS),
    callId: fc.constantFrom('c-prop-1', 'c-prop-2'),
    changes: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    drop: fc.array(fc.string({ maxLength: 12 }), { maxLength: 2 }),
  })
  .map(({ fixture, callId, changes, drop }) => {
    const payload: Record<string, unknown> = {
      ...fixture.payload,
      ...('call_id' in fixture.payload && { call_id: callId }),
      ...changes,
    };
    for (const key of drop) delete payload[key];
    const kind = ROUTE_KINDS[fixture.route] ?? 'video.event';
    const route =
      fixture.route.startsWith('POST /video/') && fixture.route !== 'POST /video/events'
        ? 'POST /video/{event}'
        : fixture.route;
    const pathParams =
      route === 'POST /video/{event}' ? { event: fixture.route.slice('POST /video/'.length) } : undefined;
    return { kind, route, payload, ...(pathParams && { path_params: pathParams }) };
  });

const envelope = fc
  .record({
    version: fc.constantFrom(1, 1, 1, 1, 1, 1, 1, 1, 2, '1'),
    event_id: fc.oneof({ weight: 9, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.constant('') }),
    received_at: fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString()),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    ),
    content_type: fc.constantFrom('json', 'form'),
    body: fc.string({ maxLength: 50 }),
    headers: fc.constant({}),
    event: fc.oneof(
      mutatedFixture,
      fc.record({
        kind: fc.constantFrom(...WEBHOOK_KINDS, 'bogus.kind'),
        route: fc.constantFrom(...Object.keys(ROUTE_KINDS), 'POST /video/{event}'),
        payload: fc.oneof(
          fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        path_params: fc.option(
          fc.record({ event: fc.constantFrom('room-started', 'member-left', 'recording-ready', 'nope') }),
          { nil: undefined },
        ),
      }),
    ),
  })
  .map(({ event, ...rest }) => ({ ...rest, ...event }));

/** A queued message body: mostly envelopes (some broken), sometimes anything SQS would carry at all. */
const recordBody = fc.oneof(
  { weight: 8, arbitrary: envelope.map((value) => sqsSafeJson(JSON.stringify(value))) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).map(sqsSafeText) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }).map(sqsSafeJson) },
);

/** Bodies the worker can never process: they must be dead-lettered, not applied and not retried. */
function isUnprocessable(body: string): boolean {
  let value: any;
  try {
    value = JSON.parse(body);
  } catch {
    return true;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return true;
  const payloadIsObject = typeof value.payload === 'object' && value.payload !== null && !Array.isArray(value.payload);
  return value.version !== 1 || !value.event_id || !WEBHOOK_KINDS.includes(value.kind) || !payloadIsObject;
}

/** The envelope's kind, when the body is one. */
function kindOf(body: string): string | undefined {
  try {
    const kind = JSON.parse(body)?.kind;
    return typeof kind === 'string' ? kind : undefined;
  } catch {
    return undefined;
  }
}

function eventIdOf(body: string): string | undefined {
  try {
    return JSON.parse(body).event_id;
  } catch {
    return undefined;
  }
}
