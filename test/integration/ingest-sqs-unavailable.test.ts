import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiGatewayEvent } from '../helpers/aws-events';
import { loadFixture } from '../helpers/fixtures';

type Handler = (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * SQS "down" for real, no mock: a loopback TCP server that either drops every connection at once or accepts and
 * never answers (a hung dependency), with the real ingest handler pointed at it.
 */
describe('ingest when SQS cannot take the message', () => {
  let mode: 'refuse' | 'hang' = 'refuse';
  const sockets = new Set<Socket>();
  const blackHole = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    if (mode === 'refuse') socket.destroy();
  });
  let handler: Handler;

  before(async () => {
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as { port: number };
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${port}`,
      QUEUE_URL: `http://127.0.0.1:${port}/000000000000/webhooks`,
      LOG_LEVEL: 'silent',
    });
    ({ handler } = (await import('../../functions/ingest')) as { handler: Handler });
  });
  after(() => {
    for (const socket of sockets) socket.destroy();
    blackHole.close();
  });

  const delivery = (): APIGatewayProxyEventV2 =>
    apiGatewayEvent({
      routeKey: 'POST /call-status',
      headers: { 'content-type': 'application/json' },
      body: loadFixture('call-status-flat-answered').body,
    });

  it('answers 503 so SignalWire retries when the connection is refused, never 200', async () => {
    mode = 'refuse';
    const result = await handler(delivery());
    assert.equal(result.statusCode, 503);
    assert.deepEqual(JSON.parse(result.body!), { error: 'temporarily unable to accept the webhook; retry' });
  });

  it("answers 503 within SignalWire's 10 s per attempt when SQS hangs", async () => {
    mode = 'hang';
    const started = Date.now();
    const result = await handler(delivery());
    const elapsed = Date.now() - started;
    assert.equal(result.statusCode, 503);
    assert.ok(elapsed < 9_000, `answered after ${elapsed} ms`);
  });
});
