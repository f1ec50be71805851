import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientError } from '../../lib/errors';
import { MAX_FORM_BODY_BYTES, MAX_FORM_FIELDS, parseBody, rawBodyBytes } from '../../lib/http/request-body';
import { toWebhookRequest } from '../../lib/http/webhook-request';
import { authenticatorFromEnv } from '../../lib/security/authenticate';
import { verifySignalWireSignature } from '../../lib/security/signature';
import { signDelivery } from '../../lib/security/sign-delivery';
import { apiGatewayEvent } from '../helpers/aws-events';

const KEY = 'PSK_example_signing_key_0123456789';
const ON_LAMBDA = { AWS_LAMBDA_FUNCTION_NAME: 'signalwire-webhooks-prod-ingest', SIGNALWIRE_SIGNING_KEY: KEY };
const silent = { log: { debug() {}, info() {}, warn() {}, error() {} }, metrics: { count() {} } };

/** Distinct short field names (the costliest form to sort) up to `bytes` of `application/x-www-form-urlencoded`. */
function manyFields(bytes: number): string {
  const fields: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) size += fields.push(`${i.toString(36)}=`) && fields.at(-1)!.length + 1;
  return fields.join('&');
}

function formDelivery(body: string, signature: string) {
  return toWebhookRequest(
    apiGatewayEvent({
      routeKey: 'POST /incoming-sms',
      rawPath: '/incoming-sms',
      headers: {
        host: 'abc.execute-api.us-east-1.amazonaws.com',
        'content-type': 'application/x-www-form-urlencoded',
        'x-signalwire-signature': signature,
      },
      body,
      domainName: 'abc.execute-api.us-east-1.amazonaws.com',
      stage: '$default',
    }),
  );
}

/** What an unauthenticated caller can make the ingest do is bounded before any signature is computed. */
describe('bounded work before authentication', () => {
  it(`refuses a form of more than ${MAX_FORM_FIELDS} fields or ${MAX_FORM_BODY_BYTES} bytes with 413 before its signature is checked`, async () => {
    const authenticate = authenticatorFromEnv(
      { ...ON_LAMBDA, WEBHOOK_PUBLIC_BASE_URL: 'https://hooks.example.com' },
      silent,
    );
    // ~62,000 fields in ~256 KB (the review's request), and ~12,000 fields within the form's byte limit
    for (const [body, reason] of [
      [manyFields(255 * 1024), /form body exceeds 65536 bytes/],
      [manyFields(MAX_FORM_BODY_BYTES - 100), /more than 1000 fields/],
    ] as const) {
      const request = formDelivery(body, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=');
      await assert.rejects(authenticate(request, rawBodyBytes(request.body, false)), (error: ClientError) => {
        assert.equal(error.statusCode, 413);
        assert.match(error.message, reason);
        return true;
      });
      assert.throws(
        () => parseBody(Buffer.from(body), 'application/x-www-form-urlencoded'),
        (error: ClientError) => error.statusCode === 413,
      );
    }
  });

  it('accepts a form at the bound, and a real delivery signed with Scheme B on the public URL or its own', async () => {
    const body = Array.from({ length: MAX_FORM_FIELDS }, (_, i) => `F${i}=v`).join('&');
    assert.equal(
      Object.keys(parseBody(Buffer.from(body), 'application/x-www-form-urlencoded').payload).length,
      MAX_FORM_FIELDS,
    );
    const authenticate = authenticatorFromEnv(
      { ...ON_LAMBDA, WEBHOOK_PUBLIC_BASE_URL: 'https://hooks.example.com' },
      silent,
    );
    for (const url of [
      'https://hooks.example.com/incoming-sms',
      'https://abc.execute-api.us-east-1.amazonaws.com/incoming-sms',
    ]) {
      const signed = signDelivery(
        { url, body: 'Body=hi&From=%2B15550001111', contentType: 'application/x-www-form-urlencoded' },
        KEY,
      );
      const request = formDelivery('Body=hi&From=%2B15550001111', signed['X-SignalWire-Signature']!);
      await authenticate(request, rawBodyBytes(request.body, false));
    }
  });

  it('refuses a signature of the wrong length or alphabet before hashing anything', () => {
    const request = {
      url: 'https://x.example/incoming-sms',
      rawBody: Buffer.from('a=1'),
      contentType: 'application/x-www-form-urlencoded',
    };
    for (const headers of [
      { 'x-signalwire-sha256-signature': 'abc' },
      { 'x-signalwire-sha256-signature': 'z'.repeat(64) },
      { 'x-signalwire-signature': 'not base64 at all, and long: '.repeat(20) },
      { 'x-signalwire-signature': '***************************=' },
    ]) {
      assert.deepEqual(
        verifySignalWireSignature({ ...request, headers }, [KEY]),
        { ok: false, reason: 'malformed signature' },
        JSON.stringify(headers),
      );
    }
    assert.deepEqual(
      verifySignalWireSignature({ ...request, headers: { 'x-signalwire-signature': `${'A'.repeat(27)}=` } }, [KEY]),
      { ok: false, reason: 'signature mismatch' },
    );
  });
});
