import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { loadFixture } from '../helpers/fixtures';

/** A loopback port nobody listens on: SQS "down" for real, no mock. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('ingest when SQS cannot take the message', () => {
  it('answers 503 so SignalWire retries, never 200', async () => {
    // given the real ingest handler whose queue endpoint refuses connections
    const port = await closedPort();
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${port}`,
      QUEUE_URL: `http://127.0.0.1:${port}/000000000000/webhooks`,
      LOG_LEVEL: 'silent',
    });
    const { handler } = (await import('../../functions/ingest')) as { handler: (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2> };
    const fixture = loadFixture('call-status-flat-answered');
    // when a valid delivery arrives
    const result = await handler({
      version: '2.0',
      routeKey: 'POST /call-status',
      rawPath: '/call-status',
      rawQueryString: '',
      headers: { 'content-type': 'application/json' },
      body: fixture.body,
      isBase64Encoded: false,
      requestContext: { requestId: 'r1', http: { sourceIp: '127.0.0.1', method: 'POST' } },
    } as unknown as APIGatewayProxyEventV2);
    // then it is refused with a retryable status and a generic message
    assert.equal(result.statusCode, 503);
    assert.deepEqual(JSON.parse(result.body!), { error: 'temporarily unable to accept the webhook; retry' });
  });
});
