import assert from 'node:assert/strict';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createHttpGateway, type HttpRoute } from '../../local/http-gateway';

interface Received {
  route: string;
  event: APIGatewayProxyEventV2;
}

/** A route whose handler records the event it got and answers 200 naming the route. */
function recordingRoute(received: Received[], method: string, path: string, timeoutMs = 1_000): HttpRoute {
  return {
    method,
    path,
    timeoutMs,
    handler: async (event) => {
      received.push({ route: `${method} ${path}`, event });
      return { statusCode: 200, body: JSON.stringify({ route: `${method} ${path}` }) };
    },
  };
}

/** Starts a gateway on a free port of 127.0.0.1; resolves to the server and its `host:port`. */
async function startGateway(routes: HttpRoute[]): Promise<{ server: Server; host: string }> {
  const { server, setRoutes } = createHttpGateway();
  setRoutes(routes);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, host: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Sends `path` byte for byte (fetch would normalise it first); `undefined` status when no answer came in time. */
function rawRequest(
  host: string,
  method: string,
  path: string,
  body = '',
): Promise<{ status: number | undefined; body: string }> {
  const [hostname, port] = host.split(':');
  return new Promise((resolve) => {
    const req = request({ hostname, port: Number(port), method, path, timeout: 300 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: undefined, body: '' }));
    req.end(body);
  });
}

describe('createHttpGateway', () => {
  const received: Received[] = [];
  let server: Server;
  let base: string;
  let host: string;
  // The slow handler finishes only when the suite ends: an answer before that can only come from the timeout.
  let finishSlowHandler: () => void = () => {};
  const slowHandlerDone = new Promise<void>((resolve) => (finishSlowHandler = resolve));
  let slowHandlerFinished = false;

  before(async () => {
    ({ server, host } = await startGateway([
      // the {event} route is listed first: the literal one must still win
      recordingRoute(received, 'POST', '/video/{event}'),
      recordingRoute(received, 'POST', '/video/events'),
      recordingRoute(received, 'POST', '/call-status'),
      recordingRoute(received, 'GET', '/swml'),
      {
        method: 'POST',
        path: '/boom',
        timeoutMs: 1_000,
        handler: async () => Promise.reject(new Error('handler failed')),
      },
      {
        method: 'POST',
        path: '/slow',
        timeoutMs: 20,
        handler: async () => {
          await slowHandlerDone;
          slowHandlerFinished = true;
          return { statusCode: 200, body: 'too late' };
        },
      },
    ]));
    base = `http://${host}`;
  });
  after(async () => {
    finishSlowHandler();
    await close(server);
  });

  /** Posts and returns the status plus the one event the gateway handed to a handler for this request. */
  async function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
    const count = received.length;
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      body,
      headers,
      signal: AbortSignal.timeout(2_000),
    });
    const text = await response.text();
    return { status: response.status, text, received: received.slice(count) };
  }

  it('prefers the literal route over the {param} one', async () => {
    // when
    const literal = await post('/video/events', '{}');
    const param = await post('/video/room-started', '{}');
    // then
    assert.equal(literal.status, 200);
    assert.deepEqual(
      literal.received.map((r) => r.route),
      ['POST /video/events'],
    );
    assert.equal(literal.received[0]!.event.routeKey, 'POST /video/events');
    assert.equal(literal.received[0]!.event.pathParameters, undefined);
    assert.deepEqual(
      param.received.map((r) => r.route),
      ['POST /video/{event}'],
    );
    assert.equal(param.received[0]!.event.routeKey, 'POST /video/{event}');
    assert.deepEqual(param.received[0]!.event.pathParameters, { event: 'room-started' });
  });

  it('decodes path parameters and keeps the raw path', async () => {
    // when
    const {
      received: [hit],
    } = await post('/video/room%20started%E2%9C%93', '{}');
    // then
    assert.deepEqual(hit!.event.pathParameters, { event: 'room started✓' });
    assert.equal(hit!.event.rawPath, '/video/room%20started%E2%9C%93');
  });

  it('keeps the raw query string and parses it', async () => {
    // given a query with an encoded space, an encoded '&' and a repeated name
    const query = 'token=a%20b&x=1%262&x=3';
    // when
    const {
      received: [hit],
    } = await post(`/call-status?${query}`, '{}');
    // then
    assert.equal(hit!.event.rawQueryString, query);
    assert.deepEqual(hit!.event.queryStringParameters, { token: 'a b', x: '1&2,3' });
  });

  it('has an empty raw query string and no parameters without a query', async () => {
    const {
      received: [hit],
    } = await post('/call-status', '{}');
    assert.equal(hit!.event.rawQueryString, '');
    assert.equal(hit!.event.queryStringParameters, undefined);
  });

  it('keeps characters a browser would escape in the raw query string', async () => {
    // given a query sent byte for byte, as API Gateway passes it on in rawQueryString
    const query = `note=it's&q="a"<b>`;
    const count = received.length;
    // when
    const response = await rawRequest(host, 'POST', `/call-status?${query}`, '{}');
    // then
    assert.equal(response.status, 200);
    assert.equal(received[count]?.event.rawQueryString, query);
  });

  it('passes header names lower-cased and the request context of an HTTP API', async () => {
    // when
    const {
      received: [hit],
    } = await post('/call-status', '{}', { 'Content-Type': 'application/json', 'X-SignalWire-Signature': 'AbC=' });
    // then
    const { event } = hit!;
    assert.equal(event.headers['content-type'], 'application/json');
    assert.equal(event.headers['x-signalwire-signature'], 'AbC=');
    assert.deepEqual(
      Object.keys(event.headers).filter((name) => name !== name.toLowerCase()),
      [],
    );
    assert.equal(event.version, '2.0');
    assert.equal(event.requestContext.http.method, 'POST');
    assert.equal(event.requestContext.stage, '$default');
    assert.equal(event.requestContext.domainName, host);
  });

  it('passes a UTF-8 body as text', async () => {
    const body = '{"body":"héllo ✓"}';
    const {
      received: [hit],
    } = await post('/call-status', body, { 'content-type': 'application/json' });
    assert.equal(hit!.event.body, body);
    assert.equal(hit!.event.isBase64Encoded, false);
  });

  it('passes a body that is not UTF-8 base64-encoded, decoding to the same bytes', async () => {
    // given
    const bytes = Uint8Array.from([0x7b, 0xff, 0xfe, 0x00, 0xc3, 0x28, 0x7d]);
    // when
    const {
      received: [hit],
    } = await post('/call-status', bytes);
    // then
    assert.equal(hit!.event.isBase64Encoded, true);
    assert.deepEqual(Buffer.from(hit!.event.body!, 'base64'), Buffer.from(bytes));
  });

  it('passes no body for an empty request', async () => {
    const {
      received: [hit],
    } = await post('/call-status', '');
    assert.equal(hit!.event.body, undefined);
    assert.equal(hit!.event.isBase64Encoded, false);
  });

  it('answers 404 for an unknown path and for a known path with another method, calling no handler', async () => {
    // given
    const count = received.length;
    // when
    const unknown = await fetch(`${base}/nope`, { method: 'POST', body: '{}' });
    const nested = await fetch(`${base}/video/a/b`, { method: 'POST', body: '{}' });
    const wrongMethod = await fetch(`${base}/call-status`, { method: 'GET' });
    const wrongMethodSwml = await fetch(`${base}/swml`, { method: 'POST', body: '{}' });
    // then
    assert.deepEqual([unknown.status, nested.status, wrongMethod.status, wrongMethodSwml.status], [404, 404, 404, 404]);
    await Promise.all([unknown.text(), nested.text(), wrongMethod.text(), wrongMethodSwml.text()]);
    assert.equal(received.length, count);
  });

  it('answers 500 when the handler throws', async () => {
    const { status, text } = await post('/boom', '{}');
    assert.equal(status, 500);
    assert.doesNotMatch(text, /handler failed/);
  });

  it('answers 500 when the handler is slower than its timeout', async () => {
    // when
    const { status, text } = await post('/slow', '{}');
    // then: answered at the timeout, while the handler is still running
    assert.equal(status, 500);
    assert.doesNotMatch(text, /too late/);
    assert.equal(slowHandlerFinished, false);
  });

  it("writes the handler's status, headers and body back", async () => {
    const response = await fetch(`${base}/swml`, { signal: AbortSignal.timeout(2_000) });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await response.json(), { route: 'GET /swml' });
  });
});

describe('createHttpGateway with a malformed path', () => {
  it('answers a 4xx to a path parameter that is not valid percent-encoding', async () => {
    // given a gateway started inside this test, so what it leaves unhandled is reported here
    const received: Received[] = [];
    const { server, host } = await startGateway([recordingRoute(received, 'POST', '/video/{event}')]);
    try {
      // when
      const response = await rawRequest(host, 'POST', '/video/%E0%A4%A', '{}');
      // then
      assert.ok(
        response.status !== undefined && response.status >= 400 && response.status < 500,
        `status ${response.status}`,
      );
      assert.deepEqual(received, []);
    } finally {
      server.closeAllConnections();
      await close(server);
    }
  });
});

describe('createHttpGateway before its routes are loaded', () => {
  it('answers 503 with Retry-After (retry, not "wrong URL"), then serves once the routes are set', async (t) => {
    const { server, setRoutes } = createHttpGateway();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => close(server));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/call-status`;
    const early = await fetch(url, { method: 'POST', body: '{}' });
    assert.equal(early.status, 503);
    assert.equal(early.headers.get('retry-after'), '1');
    setRoutes([recordingRoute([], 'POST', '/call-status')]);
    assert.equal((await fetch(url, { method: 'POST', body: '{}' })).status, 200);
    assert.equal((await fetch(`${url}x`, { method: 'POST', body: '{}' })).status, 404);
  });
});
