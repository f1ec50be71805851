import { readFileSync } from 'node:fs';
import { signDelivery } from '../../lib/security/sign-delivery';
import { secretListEnv } from '../../lib/config/secret-list';
import { defaultSample, readSample } from '../samples';

export interface SendOptions {
  /** A sample delivery: a name in samples/ (`incoming-sms-cxml`) or a path to a file of that format. */
  fixture?: string;
  /** The body to post: JSON, or form parameters (`a=1&b=2`) when it is not JSON. */
  body?: string;
  /** A file whose content is the body to post (as --body). */
  file?: string;
  /** Require a signature (fail when SIGNALWIRE_SIGNING_KEY is not set). */
  sign?: boolean;
  /** Post unsigned even when SIGNALWIRE_SIGNING_KEY is set. */
  unsigned?: boolean;
}

interface Delivery {
  method: string;
  pathAndQuery: string;
  contentType: string | null;
  body: string;
}

/**
 * `webhooks send ROUTE | --fixture NAME | ROUTE --body TEXT | ROUTE --file PATH [--url BASE]`: posts one test
 * webhook to the stack (or BASE) and answers what the stack answered. ROUTE alone posts that route's default sample.
 * With SIGNALWIRE_SIGNING_KEY set (its first key) the delivery is signed for the exact URL it is posted to.
 * A non-2xx answer fails the command, so it can gate a script.
 */
export async function sendWebhook(route: string | undefined, options: SendOptions, baseUrl: string) {
  const delivery = deliveryFrom(route, options);
  const url = new URL(baseUrl.replace(/\/+$/, '') + delivery.pathAndQuery).href;
  const headers: Record<string, string> = delivery.contentType === null ? {} : { 'content-type': delivery.contentType };
  const key = options.unsigned ? undefined : signingKey(options.sign === true);
  if (key !== undefined)
    Object.assign(headers, signDelivery({ url, contentType: delivery.contentType, body: delivery.body }, key));
  const response = await fetch(url, {
    method: delivery.method,
    headers,
    ...(delivery.method !== 'GET' && { body: delivery.body }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${delivery.method} ${url} answered ${response.status} ${text.slice(0, 500)}`);
  return {
    method: delivery.method,
    url,
    signed: key !== undefined,
    status: response.status,
    response: parseJson(text),
  };
}

function deliveryFrom(route: string | undefined, options: SendOptions): Delivery {
  const given = [options.fixture, options.body, options.file].filter((value) => value !== undefined).length;
  if (given > 1) throw new Error('send: give at most one of --fixture NAME, --body TEXT or --file PATH');
  if (route !== undefined && !route.startsWith('/')) route = `/${route}`;
  if (options.fixture !== undefined || (given === 0 && route !== undefined)) {
    const sample = options.fixture !== undefined ? readSample(options.fixture) : defaultSample(route!);
    const { pathname, search } = new URL(sample.url);
    return {
      method: sample.method,
      pathAndQuery: route ?? pathname + search,
      contentType: sample.contentType,
      body: sample.body,
    };
  }
  if (route === undefined) throw new Error('send: give the route to post to, e.g. /call-status');
  const body = options.body ?? (options.file !== undefined ? readFileSync(options.file, 'utf8') : undefined);
  if (body === undefined) throw new Error('send: give the route to post to, e.g. /call-status');
  return {
    method: 'POST',
    pathAndQuery: route,
    contentType: isJson(body) ? 'application/json' : 'application/x-www-form-urlencoded',
    body,
  };
}

function signingKey(required: boolean): string | undefined {
  // One key, or a JSON list during a rotation (the first signs): the stack's own reading of the setting.
  const key = secretListEnv(process.env, 'SIGNALWIRE_SIGNING_KEY')[0];
  if (!key && required)
    throw new Error('send --sign: set SIGNALWIRE_SIGNING_KEY to the signing key the stack verifies with');
  return key || undefined;
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
