import { Webhook } from 'standardwebhooks';
import { DependencyError } from '../errors';

/** Standard Webhooks' headers of one delivery attempt. */
export interface WebhookSignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Names the product to the receiver (and in its logs). */
export const USER_AGENT = 'signalwire-webhooks (event delivery; Standard Webhooks)';

const PREFIX = 'whsec_';
/** Standard Webhooks: a secret between 24 and 64 bytes (random). */
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A destination's signing secret as SSM holds it, `whsec_<base64 of 24 to 64 bytes>`, or an error naming what is wrong
 * with it (never the value). Not a PermanentError: the operator fixes the parameter and the retries go out.
 */
export function checkSigningSecret(secret: string, parameter: string): string {
  const trimmed = secret.trim();
  const problem = !trimmed.startsWith(PREFIX)
    ? `does not start with ${PREFIX}`
    : !BASE64.test(trimmed.slice(PREFIX.length)) || trimmed.slice(PREFIX.length).length % 4 !== 0
      ? `is not ${PREFIX}<base64>`
      : outOfRange(Buffer.from(trimmed.slice(PREFIX.length), 'base64').length);
  if (problem !== undefined) throw new DependencyError(`signing secret ${parameter} ${problem}`);
  return trimmed;
}

function outOfRange(bytes: number): string | undefined {
  if (bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES)
    return `holds ${bytes} bytes (Standard Webhooks: ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES})`;
  return undefined;
}

/**
 * The headers that let the receiver check a delivery (standardwebhooks' `Webhook.verify`): `webhook-id` the event's
 * stable id (the same on every retry, so it dedupes by it), `webhook-timestamp` this attempt's time (receivers refuse
 * one more than 5 minutes off), `webhook-signature` `v1,<base64 HMAC-SHA256 of id.timestamp.payload>`. `payload` is
 * the exact body sent.
 */
export function signEvent(secret: string, eventId: string, at: Date, payload: string): WebhookSignatureHeaders {
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(eventId, at, payload),
  };
}

/**
 * Every header of one POST of an event, as a destination and `webhooks listen` send it: JSON, our User-Agent, and the
 * Standard Webhooks signature of `payload` (the exact body) at `at`.
 */
export function eventPostHeaders(secret: string, eventId: string, at: Date, payload: string): Record<string, string> {
  return { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...signEvent(secret, eventId, at, payload) };
}
