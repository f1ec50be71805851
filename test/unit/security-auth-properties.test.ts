import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  authenticateRequest,
  type AuthDecision,
  type AuthPolicy,
  type WebhookRequest,
} from '../../lib/security/auth-policy';

const KEYS = ['PSK_current_key_0123456789', 'PSK_next_key_9876543210'];
const PASSWORD = 'hunter2-password';
const QUERY_SECRET = 'query-secret-value';
const SECRETS = [...KEYS, PASSWORD, QUERY_SECRET];

const SIGNATURE_ONLY: AuthPolicy = {
  signingKeys: KEYS,
  basicAuth: [],
  querySecrets: [],
  ipAllowlist: [],
  allowUnauthenticated: false,
};
const ALL_CHECKS: AuthPolicy = {
  signingKeys: KEYS,
  basicAuth: [{ user: 'signalwire', password: PASSWORD }],
  querySecrets: [QUERY_SECRET],
  ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'],
  allowUnauthenticated: false,
};

const SIGNATURE_HEADERS = ['x-signalwire-signature', 'x-signalwire-sha256-signature', 'x-twilio-signature'];
const CONTENT_TYPES = [
  'application/json',
  'application/x-www-form-urlencoded',
  'Application/X-WWW-Form-Urlencoded; charset=UTF-8',
  'text/plain',
];

const hexDigits = (length: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const signatureLike = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 70 }),
  hexDigits(40),
  hexDigits(64),
  fc.base64String({ minLength: 28, maxLength: 28 }),
);
const arbitraryRequest: fc.Arbitrary<WebhookRequest> = fc.record({
  method: fc.constantFrom('POST', 'GET', 'PUT'),
  url: fc.oneof(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.string({ unit: 'binary' }),
    hexDigits(64).map((hash) => `https://h.example.com:443/sms?bodySHA256=${hash}`),
  ),
  rawBody: fc
    .oneof(
      fc.uint8Array({ maxLength: 256 }),
      fc.string({ unit: 'binary' }).map((text) => new TextEncoder().encode(text)),
    )
    .map((bytes) => Buffer.from(bytes)),
  contentType: fc.option(fc.oneof(fc.constantFrom(...CONTENT_TYPES), fc.string()), { nil: undefined }),
  headers: fc.dictionary(
    fc.oneof(fc.constantFrom(...SIGNATURE_HEADERS, 'authorization'), fc.string()),
    fc.option(
      fc.oneof(
        signatureLike,
        fc.string().map((text) => `Basic ${text}`),
      ),
      { nil: undefined },
    ),
  ),
  sourceIp: fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ unit: 'binary' })), { nil: undefined }),
  query: fc.dictionary(
    fc.oneof(fc.constant('secret'), fc.string()),
    fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
  ),
});

function assertWellFormedRefusal(decision: AuthDecision): void {
  assert.equal(decision.ok, false);
  if (decision.ok) return;
  assert.ok(decision.status === 401 || decision.status === 403);
  assert.match(decision.reason, /^[a-z0-9 ]+$/);
  for (const secret of SECRETS)
    assert.ok(!JSON.stringify(decision).includes(secret), 'a secret leaked into the decision');
}

function flipCharAt(text: string, index: number): string {
  return text.slice(0, index) + String.fromCharCode(text.charCodeAt(index) ^ 0x01) + text.slice(index + 1);
}

describe('authenticateRequest properties', () => {
  it('never throws on arbitrary requests and refuses them all, without leaking a secret', () => {
    fc.assert(
      fc.property(arbitraryRequest, fc.constantFrom(SIGNATURE_ONLY, ALL_CHECKS), (request, policy) => {
        assertWellFormedRefusal(authenticateRequest(request, policy));
      }),
      { numRuns: 500 },
    );
  });

  it('accepts a raw-body signature by any valid key exactly when nothing was changed after signing', () => {
    const tampering = fc.constantFrom('none', 'none', 'body', 'url', 'signature', 'unknown key');
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: true }),
        fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
        fc.constantFrom('application/json', 'text/plain', undefined),
        fc.constantFrom('sha1' as const, 'sha256' as const),
        fc.constantFrom(...KEYS),
        tampering,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (url, body, contentType, algorithm, key, how, position, xor) => {
          // given a delivery signed with one of the keys (computed here with node:crypto, independently of the module)
          const signingKey = how === 'unknown key' ? 'PSK_unknown' : key;
          let signature = createHmac(algorithm, signingKey).update(url).update(body).digest('hex');
          let receivedBody = body;
          let receivedUrl = url;
          if (how === 'body') {
            receivedBody = Buffer.from(body.length === 0 ? [xor] : body);
            if (body.length > 0) receivedBody[position % body.length] = receivedBody[position % body.length]! ^ xor;
          }
          if (how === 'url') receivedUrl = flipCharAt(url, position % url.length);
          if (how === 'signature') signature = flipCharAt(signature, position % signature.length);
          const header = algorithm === 'sha256' ? 'x-signalwire-sha256-signature' : 'x-signalwire-signature';
          const request: WebhookRequest = {
            method: 'POST',
            url: receivedUrl,
            rawBody: receivedBody,
            contentType,
            headers: { [header]: signature },
            sourceIp: '203.0.113.1',
            query: {},
          };
          // when
          const decision = authenticateRequest(request, SIGNATURE_ONLY);
          // then
          if (how === 'none') assert.deepEqual(decision, { ok: true });
          else assertWellFormedRefusal(decision);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('with every check on, answers 403 when the source is outside the allowlist, else 401 when anything else fails', () => {
    const url = 'https://hooks.example.com/sms?secret=query-secret-value';
    const body = Buffer.from('{"message_id":"m-1","body":"HELP"}');
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (badIp, badPassword, badQuerySecret, badSignature) => {
          const signature = createHmac('sha256', KEYS[1]!).update(url).update(body).digest('hex');
          const request: WebhookRequest = {
            method: 'POST',
            url,
            rawBody: badSignature ? Buffer.concat([body, Buffer.from(' ')]) : body,
            contentType: 'application/json',
            headers: {
              authorization: `Basic ${Buffer.from(`signalwire:${badPassword ? 'guess' : PASSWORD}`).toString('base64')}`,
              'x-signalwire-sha256-signature': signature,
            },
            sourceIp: badIp ? '2001:db9::1' : '::ffff:203.0.113.77',
            query: { secret: badQuerySecret ? 'guess' : QUERY_SECRET },
          };
          const decision = authenticateRequest(request, ALL_CHECKS);
          if (badIp) assert.equal(!decision.ok && decision.status, 403);
          else if (badPassword || badQuerySecret || badSignature) assert.equal(!decision.ok && decision.status, 401);
          else assert.deepEqual(decision, { ok: true });
        },
      ),
    );
  });
});
