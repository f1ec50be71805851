/**
 * The ingest's own CPU per webhook: the real use case (parse, envelope, serialize) and response, with the SQS
 * send replaced by an in-memory queue so only our code is measured. `npm run bench:ingest`
 */
import { authenticatorFromEnv } from '../lib/security/authenticate';
import { receiveWebhook } from '../lib/ingest/receive-webhook';
import { jsonResponse } from '../lib/http/responses';
import type { WebhookRequest } from '../lib/http/webhook-request';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { loadFixture } from '../test/helpers/fixtures';

const queued: string[] = [];
const deps = { enqueue: async (body: string) => void queued.push(body) };
// The fixtures' signatures checked as on Lambda (URL from the request context); `+signature` rows include it.
const authenticate = authenticatorFromEnv(
  { AWS_LAMBDA_FUNCTION_NAME: 'bench', SIGNALWIRE_SIGNING_KEY: 'PSK_example_signing_key_0123456789' },
  { log: createLogger({}, 'silent'), metrics: createMetrics({ write: () => undefined }) },
);

function requestFor(name: string): WebhookRequest {
  const fixture = loadFixture(name);
  const { pathname } = new URL(fixture.url);
  return {
    routeKey: `POST ${pathname.startsWith('/video/') && pathname !== '/video/events' ? '/video/{event}' : pathname}`,
    rawPath: pathname,
    rawQueryString: '',
    pathParameters: pathname.startsWith('/video/') && pathname !== '/video/events' ? { event: pathname.slice(7) } : {},
    headers: {
      'content-type': fixture.contentType ?? 'application/json',
      'user-agent': 'SignalWire',
      ...Object.fromEntries(Object.entries(fixture.headers).map(([name, value]) => [name.toLowerCase(), value])),
    },
    body: fixture.body,
    isBase64Encoded: false,
    sourceIp: '203.0.113.9',
    requestId: 'bench',
    domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
    stage: '$default',
  };
}

const cases = ['call-status-flat-answered', 'call-status-cxml-completed', 'call-state-relay-ended', 'video-member-joined'].map((name) => ({ name, request: requestFor(name) }));
const ITERATIONS = 50_000;

const runs = [
  ...cases.map((c) => ({ ...c, variant: deps })),
  ...cases.map((c) => ({ ...c, name: `${c.name} +signature`, variant: { ...deps, authenticate } })),
];

for (const { name, request, variant } of runs) {
  for (let i = 0; i < 5_000; i++) await receiveWebhook(request, variant); // warm up the JIT
  queued.length = 0;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) {
    const envelope = await receiveWebhook(request, variant);
    jsonResponse(200, { status: 'received', event_id: envelope.event_id });
    if (queued.length > 1000) queued.length = 0;
  }
  const wallNs = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuStart);
  console.log(
    `${name.padEnd(39)} ${(wallNs / ITERATIONS / 1000).toFixed(2)} µs/webhook wall, ${((cpu.user + cpu.system) / ITERATIONS).toFixed(2)} µs/webhook CPU`,
  );
}
