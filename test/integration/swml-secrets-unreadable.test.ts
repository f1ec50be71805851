import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SAFE_DEFAULT_SWML } from '../../lib/swml/swml-document';
import { apiGatewayEvent } from '../helpers/aws-events';

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * A deployed SWML function whose signing key lives in SSM, at a cold start while SSM refuses connections: it
 * cannot verify the fetch, and must not drop the caller either.
 */
describe('SWML fetch when the webhook secrets cannot be read', () => {
  const sockets = new Set<Socket>();
  const refusing = createServer((socket) => {
    sockets.add(socket);
    socket.destroy();
  });
  let handler: Handler;

  before(async () => {
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(refusing.address() as { port: number }).port}`;
    Object.assign(process.env, {
      AWS_LAMBDA_FUNCTION_NAME: 'signalwire-webhooks-test-swml', // as on Lambda: fail closed, secrets from SSM
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_SSM: endpoint,
      AWS_ENDPOINT_URL_SQS: endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      SIGNALWIRE_SIGNING_KEY_PARAMETER: '/signalwire-webhooks/test/signing-key',
      QUEUE_URL: `${endpoint}/000000000000/webhooks`,
      TABLE_NAME: 'signalwire-webhooks-test-events',
      LOG_LEVEL: 'silent',
    });
    ({ handler } = (await import('../../functions/swml')) as { handler: Handler });
  });
  after(() => {
    for (const socket of sockets) socket.destroy();
    refusing.close();
  });

  it('answers the safe default document instead of a 5xx that would drop the call', async () => {
    const result = await handler(
      apiGatewayEvent({
        routeKey: 'GET /swml',
        rawQueryString: 'From=%2B15559876543&To=%2B15551234567&CallSid=c-1&Direction=inbound',
        headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com', 'x-signalwire-signature': 'deadbeef' },
        domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
        stage: '$default',
        sourceIp: '203.0.113.7',
      }),
    );
    assert.equal(result.statusCode, 200);
    assert.deepEqual(JSON.parse(result.body!), SAFE_DEFAULT_SWML);
  });
});
