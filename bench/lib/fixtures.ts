import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { EXAMPLE_SIGNING_KEY, readSample, sampleNames, type Sample as Fixture } from '../../cli/samples';

/** The signing key the sample deliveries (samples/) are signed with. */
export const SAMPLE_SIGNING_KEY = EXAMPLE_SIGNING_KEY;

/** Every sample delivery the ingest function takes (the webhook routes; SWML is the swml function's). */
export const ingestFixtures = (): Fixture[] =>
  sampleNames()
    .map((name) => readSample(name))
    .filter((f) => f.method === 'POST' && !new URL(f.url).pathname.startsWith('/swml'));

/** The origin the samples were signed for: give it as WEBHOOK_PUBLIC_BASE_URL and their signatures verify. */
export const sampleBaseUrl = (): string => new URL(ingestFixtures()[0]!.url).origin;

/** The API Gateway (payload 2.0) event a sample delivery arrives as. */
export function eventFor(fixture: Fixture): APIGatewayProxyEventV2 {
  const url = new URL(fixture.url);
  const video = url.pathname.startsWith('/video/') && url.pathname !== '/video/events';
  const routeKey = `POST ${video ? '/video/{event}' : url.pathname}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: {
      host: url.host,
      'content-type': fixture.contentType ?? 'application/json',
      'user-agent': 'SignalWire',
      ...Object.fromEntries(Object.entries(fixture.headers).map(([name, value]) => [name.toLowerCase(), value])),
    },
    ...(video && { pathParameters: { event: url.pathname.slice('/video/'.length) } }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: url.host,
      domainPrefix: url.host.split('.')[0]!,
      http: {
        method: 'POST',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.9',
        userAgent: 'SignalWire',
      },
      requestId: 'bench',
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: fixture.body,
    isBase64Encoded: false,
  };
}
