import { toWebhookRequest } from '../lib/http/webhook-request';
import { parseBody, rawBodyBytes } from '../lib/http/request-body';
import { wrapDelivery } from '../lib/envelope/wrap-delivery';
import { kindForRoute } from '../lib/envelope/routes';
import { eventFor, ingestFixtures } from '../bench/lib/fixtures';
const N = 50000;
const run = (name: string, fn: () => unknown) => { for (let i = 0; i < 5000; i++) fn(); const r: number[] = []; for (let k = 0; k < 5; k++) { const c = process.cpuUsage(); for (let i = 0; i < N; i++) fn(); const u = process.cpuUsage(c); r.push((u.user + u.system) / N); } r.sort((a, b) => a - b); return `${name} ${r[2]!.toFixed(2)}`; };
for (const fx of ingestFixtures().filter((f) => ['incoming-sms-relay', 'video-room-started', 'message-status-flat-delivered'].includes(f.name))) {
  const req = toWebhookRequest(eventFor(fx));
  const raw = rawBodyBytes(req.body, false);
  const parsed = parseBody(raw, req.headers['content-type']);
  const env = wrapDelivery(kindForRoute(req.routeKey)!, req, parsed);
  const { payload, ...rest } = env;
  const head = JSON.stringify(rest);
  console.log(fx.name, raw.length, [
    run('full', () => JSON.stringify(env)),
    run('nopayload', () => JSON.stringify(rest)),
    run('splice', () => { const s = JSON.stringify(rest); return `${s.slice(0, -1)},"payload":${parsed.text}}`; }),
    run('payloadonly', () => JSON.stringify(payload)),
    run('bodystr', () => JSON.stringify(parsed.text)),
    run('Buffer.from', () => Buffer.from(req.body!, 'utf8')),
    run('decode', () => new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw)),
    run('isWellFormed', () => (req.body as any).isWellFormed()),
    run('JSON.parse', () => JSON.parse(parsed.text)),
    run('uuid', () => crypto.randomUUID()),
    run('iso', () => new Date().toISOString()),
  ].join(' | '));
}
