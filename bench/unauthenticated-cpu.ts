/**
 * What an unauthenticated caller can make the ingest spend: the CPU of the costliest requests with a wrong signature
 * (or none) that the handler's path refuses, each as it arrives on Lambda (a public base URL set, so two candidate
 * URLs). The headline is the worst request's median; the budget is what anyone on the internet may buy per request.
 * `npm run bench -- unauthenticated-cpu`
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { errorResponse } from '../lib/http/responses';
import { MAX_BODY_BYTES, MAX_FORM_BODY_BYTES, MAX_FORM_FIELDS } from '../lib/http/request-body';
import { toWebhookRequest } from '../lib/http/webhook-request';
import { receiveWebhook } from '../lib/ingest/receive-webhook';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { authenticatorFromEnv } from '../lib/security/authenticate';
import { emitMetrics, median, round } from './lib/metrics';

const ROUNDS = Number(process.env.ROUNDS ?? 9);
const ITERATIONS = Number(process.env.ITERATIONS ?? 40);
const HOST = 'abc123.execute-api.us-east-1.amazonaws.com';
const log = createLogger({}, 'silent');
const authenticate = authenticatorFromEnv(
  {
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    SIGNALWIRE_SIGNING_KEY: 'PSK_bench_signing_key_0123456789',
    WEBHOOK_PUBLIC_BASE_URL: 'https://hooks.example.com',
  },
  { log, metrics: createMetrics({ write: () => undefined }) },
);
const deps = { enqueue: async () => undefined, authenticate };

function event(contentType: string, body: string, signature: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /incoming-sms',
    rawPath: '/incoming-sms',
    rawQueryString: '',
    headers: { host: HOST, 'content-type': contentType, ...signature },
    requestContext: {
      domainName: HOST,
      stage: '$default',
      requestId: 'bench',
      http: { method: 'POST', sourceIp: '203.0.113.9' },
    } as APIGatewayProxyEventV2['requestContext'],
    body,
    isBase64Encoded: false,
  };
}

/** Just under the form limit, in `fields` fields (distinct names, the costliest to sort). */
function form(fields: number): string {
  const valueLength = Math.floor((MAX_FORM_BODY_BYTES - 64) / fields) - 6;
  return Array.from({ length: fields }, (_, i) => `f${i.toString(36)}=${'v'.repeat(Math.max(0, valueLength))}`).join(
    '&',
  );
}
const manyTinyFields = Array.from({ length: 52_000 }, (_, i) => `${i.toString(36)}=`)
  .join('&')
  .slice(0, MAX_BODY_BYTES - 1);
const oversizedForm = `a=${'v'.repeat(MAX_BODY_BYTES - 16)}`;
const bigJson = JSON.stringify({ message_id: 'x', body: 'b'.repeat(MAX_BODY_BYTES - 1024) });
const FORM = 'application/x-www-form-urlencoded';
const schemeB = { 'x-signalwire-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' };

const cases = [
  {
    name: `form of ${MAX_FORM_FIELDS} fields at the form limit, Scheme B wrong`,
    event: event(FORM, form(MAX_FORM_FIELDS), schemeB),
  },
  { name: 'form of 2 fields at the form limit, Scheme B wrong', event: event(FORM, form(2), schemeB) },
  { name: 'form at the body limit (over the form limit)', event: event(FORM, oversizedForm, schemeB) },
  { name: 'form of ~52,000 tiny fields (over both form limits)', event: event(FORM, manyTinyFields, schemeB) },
  {
    name: 'JSON at the body limit, Scheme A SHA-256 wrong',
    event: event('application/json', bigJson, { 'x-signalwire-sha256-signature': 'a'.repeat(64) }),
  },
  {
    name: 'form at the form limit, malformed signature',
    event: event(FORM, form(MAX_FORM_FIELDS), { 'x-signalwire-signature': 'x'.repeat(5000) }),
  },
  { name: 'form at the form limit, no signature', event: event(FORM, form(MAX_FORM_FIELDS), {}) },
].map((c) => ({ ...c, cpuMs: [] as number[] }));

async function runOnce(request: APIGatewayProxyEventV2, iterations: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) {
    const webhook = toWebhookRequest(request);
    try {
      await receiveWebhook(webhook, deps);
      throw new Error('an unauthenticated request was accepted');
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('an unauthenticated')) throw error;
      errorResponse(error, log, { route: webhook.routeKey });
    }
  }
  const cpu = process.cpuUsage(start);
  return (cpu.user + cpu.system) / 1000 / iterations;
}

for (const c of cases) await runOnce(c.event, ITERATIONS); // warm up, and fail fast should one be accepted
for (let r = 0; r < ROUNDS; r++) for (const c of cases) c.cpuMs.push(await runOnce(c.event, ITERATIONS));
for (const c of cases)
  console.log(`${c.name.padEnd(52)} ${median(c.cpuMs).toFixed(3)} ms CPU/request (median of ${ROUNDS} rounds)`);
const worst = cases.reduce((a, b) => (median(b.cpuMs) > median(a.cpuMs) ? b : a));
emitMetrics({
  unauthenticated_worst_cpu_ms: {
    value: round(median(worst.cpuMs), 3),
    unit: 'ms CPU/request',
    budget: '<= 2',
    note: `worst of ${cases.length} refused shapes: ${worst.name}; a public base URL set (two candidate URLs)`,
  },
});
