import { toWebhookRequest } from '../lib/http/webhook-request';
import { parseBody, rawBodyBytes } from '../lib/http/request-body';
import { wrapDelivery } from '../lib/envelope/wrap-delivery';
import { kindForRoute } from '../lib/envelope/routes';
import { eventFor, ingestFixtures } from '../bench/lib/fixtures';
const N = 50000;
const run = (name: string, fn: () => unknown) => { for (let i = 0; i < 5000; i++) fn(); const r: number[] = []; for (let k = 0; k < 5; k++) { const c = process.cpuUsage(); for (let i = 0; i < N; i++) fn(); const u = process.cpuUsage(c); r.push((u.user + u.system) / N); } r.sort((a, b) => a - b); return `${name} ${r[2]!.toFixed(2)}`; };
let lastSecond = -1; let prefix = '';
function iso(ms: number): string { const s = Math.floor(ms / 1000); if (s !== lastSecond) { lastSecond = s; prefix = new Date(s * 1000).toISOString().slice(0, 20); } const m = ms - s * 1000; return prefix + (m < 10 ? '00' : m < 100 ? '0' : '') + m + 'Z'; }
function ser(e: any): string {
  let json = `{"version":1,"event_id":"${e.event_id}","received_at":"${e.received_at}","kind":"${e.kind}","route":${JSON.stringify(e.route)},"content_type":"${e.content_type}","body":${JSON.stringify(e.body)},"payload":${JSON.stringify(e.payload)},"headers":${JSON.stringify(e.headers)}`;
  if (e.path_params !== undefined) json += `,"path_params":${JSON.stringify(e.path_params)}`;
  if (e.source_ip !== undefined) json += `,"source_ip":${JSON.stringify(e.source_ip)}`;
  if (e.request_id !== undefined) json += `,"request_id":${JSON.stringify(e.request_id)}`;
  return json + '}';
}
for (const fx of ingestFixtures().filter((f) => ['incoming-sms-relay', 'video-room-started', 'message-status-flat-delivered'].includes(f.name))) {
  const req = toWebhookRequest(eventFor(fx));
  const raw = rawBodyBytes(req.body, false);
  const parsed = parseBody(raw, req.headers['content-type']);
  const env = wrapDelivery(kindForRoute(req.routeKey)!, req, parsed);
  if (ser(env) !== JSON.stringify(env)) throw new Error('differs ' + ser(env) + '\n' + JSON.stringify(env));
  const t = Date.now(); if (iso(t) !== new Date(t).toISOString()) throw new Error('iso');
  console.log(fx.name, [run('stringify', () => JSON.stringify(env)), run('ser', () => ser(env)), run('iso', () => new Date().toISOString()), run('isofast', () => iso(Date.now())), run('wrap', () => wrapDelivery(kindForRoute(req.routeKey)!, req, parsed))].join(' | '));
}
