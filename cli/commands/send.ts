import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../local/stack';
import { signDelivery } from '../../lib/security/sign-delivery';
import { secretListEnv } from '../../lib/security/auth-policy';

export interface SendOptions {
  /** A sample delivery: a name in ../shared/fixtures (WEBHOOKS_FIXTURES_DIR overrides) or a path to one. */
  fixture?: string;
  /** The body to post: JSON, or form parameters (`a=1&b=2`) when it is not JSON. */
  body?: string;
  /** Sign for the exact URL posted to, with the first key of SIGNALWIRE_SIGNING_KEY. */
  sign?: boolean;
}

interface Delivery {
  method: string;
  pathAndQuery: string;
  contentType: string | null;
  body: string;
}

/**
 * `webhooks send [ROUTE] --fixture NAME | --body TEXT [--sign] [--url BASE]`: posts one test webhook to the stack
 * (or BASE) and answers what the stack answered. A non-2xx answer fails the command, so it can gate a script.
 */
export async function sendWebhook(route: string | undefined, options: SendOptions, baseUrl: string) {
  const delivery = deliveryFrom(route, options);
  const url = new URL(baseUrl.replace(/\/+$/, '') + delivery.pathAndQuery).href;
  const headers: Record<string, string> = delivery.contentType === null ? {} : { 'content-type': delivery.contentType };
  if (options.sign) Object.assign(headers, signDelivery({ url, contentType: delivery.contentType, body: delivery.body }, signingKey()));
  const response = await fetch(url, {
    method: delivery.method,
    headers,
    ...(delivery.method !== 'GET' && { body: delivery.body }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${delivery.method} ${url} answered ${response.status} ${text.slice(0, 500)}`);
  return { method: delivery.method, url, signed: options.sign === true, status: response.status, response: parseJson(text) };
}

function deliveryFrom(route: string | undefined, options: SendOptions): Delivery {
  if ((options.fixture === undefined) === (options.body === undefined)) throw new Error('send: give exactly one of --fixture NAME or --body TEXT');
  if (options.fixture !== undefined) {
    const fixture = readFixture(options.fixture);
    const { pathname, search } = new URL(fixture.url);
    return { method: fixture.method, pathAndQuery: route ?? pathname + search, contentType: fixture.contentType, body: fixture.body };
  }
  if (route === undefined || !route.startsWith('/')) throw new Error('send: give the route to post to, e.g. /call-status');
  const body = options.body!;
  return { method: 'POST', pathAndQuery: route, contentType: isJson(body) ? 'application/json' : 'application/x-www-form-urlencoded', body };
}

function readFixture(nameOrPath: string): { method: string; url: string; contentType: string | null; body: string } {
  const dir = process.env.WEBHOOKS_FIXTURES_DIR ?? join(PROJECT_ROOT, '..', 'shared', 'fixtures');
  const file = existsSync(nameOrPath) ? nameOrPath : join(dir, nameOrPath.endsWith('.json') ? nameOrPath : `${nameOrPath}.json`);
  if (!existsSync(file)) throw new Error(`send: no fixture ${nameOrPath} (looked in ${dir})`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

function signingKey(): string {
  const key = secretListEnv(process.env, 'SIGNALWIRE_SIGNING_KEY')[0];
  if (!key) throw new Error('send --sign: set SIGNALWIRE_SIGNING_KEY to the signing key the stack verifies with');
  return key;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
