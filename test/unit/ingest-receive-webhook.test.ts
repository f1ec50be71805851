import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ClientError, DependencyError } from '../../lib/errors';
import type { WebhookEnvelope } from '../../lib/envelope/envelope';
import { receiveWebhook, type ReceiveWebhookDeps } from '../../lib/ingest/receive-webhook';
import { kindForRoute, WEBHOOK_KINDS } from '../../lib/envelope/routes';
import { toWebhookRequest, type WebhookRequest } from '../../lib/http/webhook-request';
import { videoEventTypeFromRoute } from '../../lib/video/video-event-type';
import { loadFixture } from '../helpers/fixtures';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Every route key of lib/envelope/routes.ts, with the kind it must map to (the SIGNALWIRE.md surfaces).
const ROUTES: Array<[string, string]> = [
  ['POST /call-status', 'call.status'],
  ['POST /incoming-sms', 'message.incoming'],
  ['POST /message-status', 'message.status'],
  ['POST /video/events', 'video.event'],
  ['POST /video/{event}', 'video.event'],
  ['GET /swml', 'swml.fetch'],
  ['POST /swml', 'swml.fetch'],
];
const VIDEO_ROUTE_NAMES = [
  'room-started',
  'room-ended',
  'member-joined',
  'member-left',
  'recording-started',
  'recording-ready',
];

function fixture(name: string): { contentType: string; body: string; headers: Record<string, string> } {
  return loadFixture(name) as ReturnType<typeof fixture>;
}

function webhookRequest(overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    routeKey: 'POST /call-status',
    rawPath: '/call-status',
    rawQueryString: '',
    pathParameters: {},
    headers: { 'content-type': 'application/json' },
    body: '{"call_id":"c-1","call_state":"ringing"}',
    isBase64Encoded: false,
    sourceIp: undefined,
    requestId: undefined,
    domainName: undefined,
    stage: undefined,
    ...overrides,
  };
}

/** An in-memory queue that records every message body it accepts. */
function recordingQueue(): ReceiveWebhookDeps & { messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    async enqueue(messageBody) {
      messages.push(messageBody);
    },
  };
}

async function assertRejectsWith(promise: Promise<unknown>, statusCode: number, reason: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ClientError, `expected a ClientError, got ${String(error)}`);
    assert.equal(error.statusCode, statusCode);
    assert.match(error.message, reason);
    return true;
  });
}

describe('receiveWebhook: routes', () => {
  it('knows exactly the route keys this test lists, and every kind is reachable', () => {
    for (const [routeKey, kind] of ROUTES) assert.equal(kindForRoute(routeKey), kind);
    assert.deepEqual(new Set(ROUTES.map(([, kind]) => kind)), new Set(WEBHOOK_KINDS));
  });

  for (const [routeKey, kind] of ROUTES) {
    it(`queues ${routeKey} as ${kind}`, async () => {
      // given
      const queue = recordingQueue();
      const pathParameters = routeKey.includes('{event}') ? { event: 'room-started' } : {};
      // when
      const envelope = await receiveWebhook(webhookRequest({ routeKey, pathParameters }), queue);
      // then
      assert.equal(envelope.kind, kind);
      assert.equal(envelope.route, routeKey);
      assert.equal(queue.messages.length, 1);
      assert.equal((JSON.parse(queue.messages[0]!) as WebhookEnvelope).kind, kind);
    });
  }

  it('refuses an unknown route with 404 and queues nothing', async () => {
    for (const routeKey of ['POST /nope', 'GET /call-status', 'post /call-status', 'POST /call-status/', '$default']) {
      const queue = recordingQueue();
      await assertRejectsWith(receiveWebhook(webhookRequest({ routeKey }), queue), 404, /no such webhook route/);
      assert.deepEqual(queue.messages, []);
    }
  });

  for (const event of VIDEO_ROUTE_NAMES) {
    it(`accepts /video/${event} and keeps the name in path_params`, async () => {
      // given
      const queue = recordingQueue();
      const request = webhookRequest({
        routeKey: 'POST /video/{event}',
        rawPath: `/video/${event}`,
        pathParameters: { event },
      });
      // when
      const envelope = await receiveWebhook(request, queue);
      // then
      assert.deepEqual(envelope.path_params, { event });
      assert.deepEqual((JSON.parse(queue.messages[0]!) as WebhookEnvelope).path_params, { event });
    });
  }

  it('accepts exactly the /video/{event} names the video normalizer understands', () => {
    // The ingest refuses unknown names early; the worker must then know every name the ingest let through.
    for (const event of VIDEO_ROUTE_NAMES) assert.ok(videoEventTypeFromRoute(event));
  });

  it('refuses an unknown /video/{event} name with 404 and queues nothing', async () => {
    for (const event of ['room-paused', 'recording-completed', 'events', 'ROOM-STARTED', '', '__proto__']) {
      const queue = recordingQueue();
      const request = webhookRequest({ routeKey: 'POST /video/{event}', pathParameters: { event } });
      await assertRejectsWith(receiveWebhook(request, queue), 404, /unknown video event/);
      assert.deepEqual(queue.messages, []);
    }
  });

  it('has no path_params on routes without one', async () => {
    const envelope = await receiveWebhook(webhookRequest({ routeKey: 'POST /video/events' }), recordingQueue());
    assert.equal('path_params' in envelope, false);
  });
});

describe('receiveWebhook: the envelope', () => {
  it('wraps a JSON delivery with every field, and queues exactly the envelope it returns', async () => {
    // given the flat call status fixture, with signature and credential headers
    const { body, headers } = fixture('call-status-flat-answered');
    const request = webhookRequest({
      body,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'SignalWire-Webhooks/1.0',
        authorization: 'Basic dXNlcjpwYXNz',
        'x-signalwire-signature': headers['X-SignalWire-Signature'],
        'x-signalwire-sha256-signature': headers['X-SignalWire-Sha256-Signature'],
        'x-twilio-signature': 'abc=',
        host: 'abc123.execute-api.us-east-1.amazonaws.com',
      },
      sourceIp: '203.0.113.7',
      requestId: 'req-1',
    });
    const queue = recordingQueue();
    const before = Date.now();
    // when
    const envelope = await receiveWebhook(request, queue);
    // then
    const after = Date.now();
    assert.equal(envelope.version, 1);
    assert.match(envelope.event_id, UUID);
    assert.equal(envelope.kind, 'call.status');
    assert.equal(envelope.route, 'POST /call-status');
    assert.equal(envelope.content_type, 'json');
    assert.equal(envelope.body, body);
    assert.deepEqual(envelope.payload, JSON.parse(body));
    assert.deepEqual(envelope.headers, {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'SignalWire-Webhooks/1.0',
    });
    assert.equal(envelope.source_ip, '203.0.113.7');
    assert.equal(envelope.request_id, 'req-1');
    assert.equal(new Date(envelope.received_at).toISOString(), envelope.received_at);
    assert.ok(Date.parse(envelope.received_at) >= before && Date.parse(envelope.received_at) <= after);
    assert.deepEqual(JSON.parse(queue.messages[0]!), envelope);
  });

  it('never queues authorization or signature headers, nor their values', async () => {
    // given
    const secrets = ['Basic c2VjcmV0OnNlY3JldA==', 'sig-sha1-value', 'sig-sha256-value', 'twilio-sig-value'];
    const request = webhookRequest({
      headers: {
        'content-type': 'application/json',
        authorization: secrets[0],
        'x-signalwire-signature': secrets[1],
        'x-signalwire-sha256-signature': secrets[2],
        'x-twilio-signature': secrets[3],
      },
    });
    const queue = recordingQueue();
    // when
    await receiveWebhook(request, queue);
    // then
    for (const secret of secrets) assert.equal(queue.messages[0]!.includes(secret), false, `${secret} was queued`);
    assert.deepEqual((JSON.parse(queue.messages[0]!) as WebhookEnvelope).headers, {
      'content-type': 'application/json',
    });
  });

  it('wraps the cXML form fixture with its fields as payload and the exact body', async () => {
    // given
    const { contentType, body } = fixture('call-status-cxml-completed');
    // when
    const envelope = await receiveWebhook(
      webhookRequest({ body, headers: { 'content-type': contentType } }),
      recordingQueue(),
    );
    // then
    assert.equal(envelope.content_type, 'form');
    assert.equal(envelope.body, body);
    assert.deepEqual(envelope.payload, Object.fromEntries(new URLSearchParams(body)));
    assert.deepEqual(envelope.headers, { 'content-type': contentType });
  });

  it('decodes a base64-encoded body before parsing it', async () => {
    // given
    const body = '{"call_id":"c-2","call_state":"ended","note":"ünïcode"}';
    const request = webhookRequest({ body: Buffer.from(body).toString('base64'), isBase64Encoded: true });
    // when
    const envelope = await receiveWebhook(request, recordingQueue());
    // then
    assert.equal(envelope.body, body);
    assert.deepEqual(envelope.payload, JSON.parse(body));
  });

  it('gives every delivery its own event_id, even the same one twice', async () => {
    const queue = recordingQueue();
    const first = await receiveWebhook(webhookRequest(), queue);
    const second = await receiveWebhook(webhookRequest(), queue);
    assert.notEqual(first.event_id, second.event_id);
  });

  it('cuts long kept headers to 256 characters', async () => {
    const envelope = await receiveWebhook(
      webhookRequest({ headers: { 'content-type': 'application/json', 'user-agent': 'u'.repeat(300) } }),
      recordingQueue(),
    );
    assert.equal(envelope.headers['user-agent'], 'u'.repeat(256));
  });

  it('refuses a body parseBody refuses, before queueing', async () => {
    const queue = recordingQueue();
    await assertRejectsWith(receiveWebhook(webhookRequest({ body: '[1,2]' }), queue), 400, /must be an object/);
    await assertRejectsWith(
      receiveWebhook(webhookRequest({ headers: { 'content-type': 'text/plain' } }), queue),
      415,
      /content type/,
    );
    await assertRejectsWith(receiveWebhook(webhookRequest({ body: undefined }), queue), 400, /empty body/);
    assert.deepEqual(queue.messages, []);
  });
});

describe('receiveWebhook: dependencies', () => {
  it('propagates the error enqueue threw', async () => {
    // given a queue that cannot take the message
    const failure = new DependencyError('could not enqueue the webhook');
    const deps: ReceiveWebhookDeps = {
      enqueue: async () => {
        throw failure;
      },
    };
    // when / then: the very same error, so the handler answers 5xx and SignalWire retries
    await assert.rejects(receiveWebhook(webhookRequest(), deps), (error: unknown) => error === failure);
  });

  it('calls authenticate with the request and the exact raw bytes', async () => {
    // given a base64-encoded body (as API Gateway sends bytes it will not pass as text)
    const body = '{"call_id":"c-3","call_state":"queued"}';
    const request = webhookRequest({ body: Buffer.from(body).toString('base64'), isBase64Encoded: true });
    const calls: Array<[WebhookRequest, Buffer]> = [];
    const queue = recordingQueue();
    // when
    await receiveWebhook(request, { ...queue, authenticate: (req, raw) => void calls.push([req, raw]) });
    // then
    assert.equal(calls.length, 1);
    assert.equal(calls[0]![0], request);
    assert.deepEqual(calls[0]![1], Buffer.from(body));
    assert.equal(queue.messages.length, 1);
  });

  it('authenticates before parsing: an unauthenticated bad body is a 401, not a 400', async () => {
    // given
    const queue = recordingQueue();
    const refuse = async () => {
      throw new ClientError(401, 'invalid signature');
    };
    // when / then
    await assertRejectsWith(
      receiveWebhook(webhookRequest({ body: 'not json' }), { ...queue, authenticate: refuse }),
      401,
      /invalid signature/,
    );
    assert.deepEqual(queue.messages, []);
  });

  it('propagates a rejection of authenticate, sync or async, and queues nothing', async () => {
    for (const authenticate of [
      () => {
        throw new ClientError(403, 'source not allowed');
      },
      async () => {
        throw new ClientError(403, 'source not allowed');
      },
    ]) {
      const queue = recordingQueue();
      await assertRejectsWith(receiveWebhook(webhookRequest(), { ...queue, authenticate }), 403, /source not allowed/);
      assert.deepEqual(queue.messages, []);
    }
  });
});

describe('receiveWebhook with toWebhookRequest', () => {
  it('takes an HTTP API event as API Gateway delivers it', async () => {
    // given a minimal payload 2.0 event for /video/{event}
    const { body } = fixture('video-room-started');
    const event = {
      version: '2.0',
      routeKey: 'POST /video/{event}',
      rawPath: '/video/room-started',
      rawQueryString: 'token=abc',
      headers: { 'content-type': 'application/json', 'user-agent': 'SignalWire', 'x-signalwire-signature': 'f00d' },
      pathParameters: { event: 'room-started' },
      requestContext: {
        requestId: 'req-9',
        domainName: 'abc.example.com',
        stage: '$default',
        http: { sourceIp: '198.51.100.1' },
      },
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
    } as unknown as APIGatewayProxyEventV2;
    const queue = recordingQueue();
    // when
    const envelope = await receiveWebhook(toWebhookRequest(event), queue);
    // then
    assert.equal(envelope.kind, 'video.event');
    assert.deepEqual(envelope.path_params, { event: 'room-started' });
    assert.equal(envelope.body, body);
    assert.equal(envelope.source_ip, '198.51.100.1');
    assert.equal(envelope.request_id, 'req-9');
    assert.deepEqual(envelope.headers, { 'content-type': 'application/json', 'user-agent': 'SignalWire' });
    assert.deepEqual(JSON.parse(queue.messages[0]!), envelope);
  });

  it('treats a missing pathParameters, query string and requestContext as absent', () => {
    const event = {
      routeKey: 'POST /call-status',
      rawPath: '/call-status',
      headers: {},
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const request = toWebhookRequest(event);
    assert.deepEqual(request.pathParameters, {});
    assert.equal(request.rawQueryString, '');
    assert.equal(request.sourceIp, undefined);
    assert.equal(request.requestId, undefined);
  });
});
