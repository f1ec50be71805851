import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { authenticatorFromEnv } from '../lib/security/authenticate';
import { toWebhookRequest } from '../lib/http/webhook-request';
import { parseBody } from '../lib/http/request-body';
import { wrapDelivery } from '../lib/envelope/wrap-delivery';
import { kindForRoute } from '../lib/envelope/routes';
import { queuedMessageBody } from '../lib/queue/webhook-queue';
import { jsonResponse } from '../lib/http/responses';
import { verifyDelivery } from '../lib/security/authenticate';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { eventFor, ingestFixtures, SAMPLE_SIGNING_KEY } from '../bench/lib/fixtures';
const authenticate = authenticatorFromEnv({ AWS_LAMBDA_FUNCTION_NAME: 'bench', SIGNALWIRE_SIGNING_KEY: SAMPLE_SIGNING_KEY }, { log: createLogger({}, 'silent'), metrics: createMetrics({ write: () => undefined }) });
const N = 20000;
const names = (process.env.SHAPES ?? 'incoming-sms-cxml,incoming-sms-relay,video-room-started,message-status-flat-delivered').split(',');
for (const fx of ingestFixtures().filter((f) => names.includes(f.name))) {
  const event = eventFor(fx);
  const req = toWebhookRequest(event);
  const raw = await verifyDelivery(req, authenticate);
  const parsed = parseBody(raw, req.headers['content-type']);
  const kind = kindForRoute(req.routeKey)!;
  const env = wrapDelivery(kind, req, parsed);
  const json = JSON.stringify(env);
  const body = queuedMessageBody(json)!;
  const stages: [string, () => unknown][] = [
    ['toWebhookRequest', () => toWebhookRequest(event)],
    ['authenticate', () => authenticate(req, raw)],
    ['rawBody', () => Buffer.from(event.body!, 'utf8')],
    ['parseBody', () => parseBody(raw, req.headers['content-type'])],
    ['wrapDelivery', () => wrapDelivery(kind, req, parsed)],
    ['JSON.stringify', () => JSON.stringify(env)],
    ['queuedMessageBody', () => queuedMessageBody(json)],
    ['SendMessageCommand', () => new SendMessageCommand({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/0/q', MessageBody: body })],
    ['jsonResponse', () => jsonResponse(200, { status: 'received', event_id: env.event_id })],
  ];
  const out: string[] = [];
  for (const [name, fn] of stages) {
    for (let i = 0; i < 3000; i++) await fn();
    const best: number[] = [];
    for (let r = 0; r < 5; r++) { const c = process.cpuUsage(); for (let i = 0; i < N; i++) await fn(); const u = process.cpuUsage(c); best.push((u.user + u.system) / N); }
    best.sort((a, b) => a - b);
    out.push(`${name} ${best[2]!.toFixed(2)}`);
  }
  console.log(fx.name.padEnd(32), out.join(' | '));
}
