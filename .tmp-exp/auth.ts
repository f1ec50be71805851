import { authenticatorFromEnv } from '../lib/security/authenticate';
import { toWebhookRequest } from '../lib/http/webhook-request';
import { rawBodyBytes } from '../lib/http/request-body';
import { rawBodySignature } from '../lib/security/signature-digests';
import { timingSafeEqualStrings } from '../lib/security/constant-time';
import { verifySignalWireSignature } from '../lib/security/signature';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { eventFor, ingestFixtures, SAMPLE_SIGNING_KEY } from '../bench/lib/fixtures';
const authenticate = authenticatorFromEnv({ AWS_LAMBDA_FUNCTION_NAME: 'bench', SIGNALWIRE_SIGNING_KEY: SAMPLE_SIGNING_KEY }, { log: createLogger({}, 'silent'), metrics: createMetrics({ write: () => undefined }) });
const N = 50000;
const run = async (name: string, fn: () => unknown) => { for (let i = 0; i < 5000; i++) await fn(); const r: number[] = []; for (let k = 0; k < 5; k++) { const c = process.cpuUsage(); for (let i = 0; i < N; i++) await fn(); const u = process.cpuUsage(c); r.push((u.user + u.system) / N); } r.sort((a, b) => a - b); return `${name} ${r[2]!.toFixed(2)}`; };
for (const fx of ingestFixtures()) {
  const req = toWebhookRequest(eventFor(fx));
  const raw = rawBodyBytes(req.body, false);
  const hdrs = Object.keys(req.headers).filter((h) => h.includes('sign')).join(',');
  const url = `https://${req.domainName}${req.rawPath}${req.rawQueryString ? '?' + req.rawQueryString : ''}`;
  const sig = req.headers['x-signalwire-sha256-signature'] ?? req.headers['x-signalwire-signature'] ?? '';
  console.log(fx.name.padEnd(34), hdrs.padEnd(32), [await run('auth', () => authenticate(req, raw)),
    await run('verify', () => verifySignalWireSignature({ url, rawBody: raw, contentType: req.headers['content-type'], headers: req.headers }, [SAMPLE_SIGNING_KEY])),
    await run('hmac', () => rawBodySignature(SAMPLE_SIGNING_KEY, url, raw, 'sha256')),
    await run('tse', () => timingSafeEqualStrings(sig, sig)),
  ].join(' | '));
}
