import { signDelivery } from '../../lib/security/sign-delivery';

/**
 * Posts a form to a URL a user gave SignalWire (a webhook, a reply's StatusCallback) as SignalWire does: credentials
 * in the URL go as a Basic Authorization header (and out of the URL), the query string stays, the form is signed
 * (Scheme B, over the URL without credentials) when the space has a signing key.
 */
export async function postAsSignalWire(
  target: string,
  fields: Record<string, string>,
  signingKey?: string,
): Promise<Response> {
  return postBodyAsSignalWire(target, new URLSearchParams(fields).toString(), FORM, signingKey);
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * The same for any body: a form is signed with Scheme B, JSON (RELAY's callbacks) with Scheme A. `timeoutMs` aborts
 * the request as SignalWire gives up on a slow answer (the fetch then rejects with a TimeoutError).
 */
export async function postBodyAsSignalWire(
  target: string,
  body: string,
  contentType: string,
  signingKey?: string,
  timeoutMs?: number,
): Promise<Response> {
  const url = new URL(target);
  const headers: Record<string, string> = { 'content-type': contentType };
  if (url.username !== '' || url.password !== '') {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  if (signingKey !== undefined) Object.assign(headers, signDelivery({ url: url.href, body, contentType }, signingKey));
  return fetch(url, {
    method: 'POST',
    headers,
    body,
    ...(timeoutMs !== undefined && { signal: AbortSignal.timeout(timeoutMs) }),
  });
}
