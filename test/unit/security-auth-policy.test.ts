import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../lib/errors';
import {
  authenticateRequest,
  parseAuthPolicy,
  type AuthPolicy,
  type WebhookRequest,
} from '../../lib/security/auth-policy';
import { BASIC_AUTH_CHALLENGE } from '../../lib/security/basic-auth';
import { loadFixture } from '../helpers/fixtures';

const FIXTURE_KEY = 'PSK_example_signing_key_0123456789';
const fixture = loadFixture('call-status-flat-answered');

const NO_CHECKS: AuthPolicy = {
  signingKeys: [],
  basicAuth: [],
  querySecrets: [],
  ipAllowlist: [],
  allowUnauthenticated: false,
};

/** The signed fixture delivery, with the extras each check looks at already right. */
function signedRequest(overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    method: 'POST',
    url: fixture.url,
    rawBody: Buffer.from(fixture.body),
    contentType: fixture.contentType,
    headers: {
      'x-signalwire-signature': fixture.headers['X-SignalWire-Signature'],
      'x-signalwire-sha256-signature': fixture.headers['X-SignalWire-Sha256-Signature'],
      authorization: `Basic ${Buffer.from('signalwire:hunter2').toString('base64')}`,
    },
    sourceIp: '203.0.113.10',
    query: { secret: 'query-secret' },
    ...overrides,
  };
}

const ALL_CHECKS: AuthPolicy = {
  signingKeys: [FIXTURE_KEY],
  basicAuth: [{ user: 'signalwire', password: 'hunter2' }],
  querySecrets: ['query-secret'],
  ipAllowlist: ['203.0.113.0/24'],
  allowUnauthenticated: false,
};

describe('parseAuthPolicy', () => {
  it('reads secrets as one value or a JSON list (a rotation), the allowlist as comma-separated CIDRs, trimming blanks', () => {
    const policy = parseAuthPolicy({
      SIGNALWIRE_SIGNING_KEY: ' ["PSK_old", " PSK_new"] ',
      WEBHOOK_BASIC_AUTH: '["signalwire:pa:ss", "backup:other"]',
      WEBHOOK_QUERY_SECRET: '["s1","s2"]',
      WEBHOOK_IP_ALLOWLIST: '203.0.113.0/24, 2001:db8::/32',
      WEBHOOK_ALLOW_UNAUTHENTICATED: 'TRUE',
    });
    assert.deepEqual(policy, {
      signingKeys: ['PSK_old', 'PSK_new'],
      basicAuth: [
        { user: 'signalwire', password: 'pa:ss' },
        { user: 'backup', password: 'other' },
      ],
      querySecrets: ['s1', 's2'],
      ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'],
      allowUnauthenticated: true,
    });
    assert.ok(Object.isFrozen(policy) && Object.isFrozen(policy.signingKeys) && Object.isFrozen(policy.basicAuth[0]));
  });

  it('turns every check off for an empty environment', () => {
    assert.deepEqual(parseAuthPolicy({}), NO_CHECKS);
    assert.deepEqual(
      parseAuthPolicy({ WEBHOOK_ALLOW_UNAUTHENTICATED: 'false', SIGNALWIRE_SIGNING_KEY: '  ' }),
      NO_CHECKS,
    );
  });

  it('REGRESSION: a comma cannot split a secret: a secret with a comma is a JSON list of one, a bare comma is refused', () => {
    // given a query secret and a Basic password that contain commas, written as JSON lists
    const policy = parseAuthPolicy({
      WEBHOOK_QUERY_SECRET: '["abc,def"]',
      WEBHOOK_BASIC_AUTH: '["signalwire:pa,ss"]',
      SIGNALWIRE_SIGNING_KEY: 'PSK_one',
    });
    assert.deepEqual(policy.querySecrets, ['abc,def']);
    assert.deepEqual(policy.basicAuth, [{ user: 'signalwire', password: 'pa,ss' }]);
    assert.deepEqual(policy.signingKeys, ['PSK_one']);
    // and a bare comma is a clear error naming the setting (never its value), not two weaker secrets
    for (const name of ['WEBHOOK_QUERY_SECRET', 'WEBHOOK_BASIC_AUTH', 'SIGNALWIRE_SIGNING_KEY']) {
      assert.throws(
        () => parseAuthPolicy({ [name]: 'abc,def' }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message.startsWith(`${name}: contains a comma`) &&
          !error.message.includes('abc'),
      );
    }
    for (const bad of ['[', '["a", 1]', '[]', '{"a":1}'.replace('{', '['), '[""]']) {
      assert.throws(
        () => parseAuthPolicy({ WEBHOOK_QUERY_SECRET: bad }),
        (error: unknown) => error instanceof ConfigError && error.message.startsWith('WEBHOOK_QUERY_SECRET: '),
      );
    }
  });

  it('names WEBHOOK_BASIC_AUTH and the entry position for a pair without password, never its content', () => {
    for (const value of [
      '["signalwire:ok","justauser"]',
      '["signalwire:ok","user:"]',
      '["signalwire:ok",":password-only"]',
    ]) {
      assert.throws(
        () => parseAuthPolicy({ WEBHOOK_BASIC_AUTH: value }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.equal(error.message, 'WEBHOOK_BASIC_AUTH: entry 2 is not user:password');
          return true;
        },
      );
    }
  });

  it('names WEBHOOK_IP_ALLOWLIST and the bad CIDR', () => {
    assert.throws(
      () => parseAuthPolicy({ WEBHOOK_IP_ALLOWLIST: '10.0.0.0/8,10.0.0.0/40' }),
      (error: unknown) => error instanceof ConfigError && /WEBHOOK_IP_ALLOWLIST.*"10\.0\.0\.0\/40"/.test(error.message),
    );
  });

  it('accepts only true or false for WEBHOOK_ALLOW_UNAUTHENTICATED', () => {
    assert.throws(
      () => parseAuthPolicy({ WEBHOOK_ALLOW_UNAUTHENTICATED: 'yes' }),
      (error: unknown) => error instanceof ConfigError && error.message.includes('WEBHOOK_ALLOW_UNAUTHENTICATED'),
    );
  });
});

describe('authenticateRequest', () => {
  describe('with no check configured', () => {
    it('refuses everything in a fail-closed stage (the default)', () => {
      const expected = { ok: false, status: 403, reason: 'no webhook verification configured' };
      assert.deepEqual(authenticateRequest(signedRequest(), NO_CHECKS), expected);
      assert.deepEqual(authenticateRequest(signedRequest(), NO_CHECKS, { failClosed: true }), expected);
    });

    it('lets everything through when the caller is not fail-closed (local) or unauthenticated access is allowed', () => {
      assert.deepEqual(authenticateRequest(signedRequest(), NO_CHECKS, { failClosed: false }), { ok: true });
      assert.deepEqual(authenticateRequest(signedRequest(), { ...NO_CHECKS, allowUnauthenticated: true }), {
        ok: true,
      });
    });
  });

  it('accepts a request passing every configured check', () => {
    assert.deepEqual(authenticateRequest(signedRequest(), ALL_CHECKS), { ok: true });
  });

  it('still enforces configured checks when unauthenticated access is allowed', () => {
    const policy = { ...ALL_CHECKS, allowUnauthenticated: true };
    assert.equal(authenticateRequest(signedRequest({ query: {} }), policy).ok, false);
  });

  describe('with every check configured, the first failing one decides', () => {
    const wrongAuth = `Basic ${Buffer.from('signalwire:wrong').toString('base64')}`;
    const unsigned = { authorization: signedRequest().headers.authorization };
    const table: Array<[why: string, overrides: Partial<WebhookRequest>, status: 401 | 403, reason: string]> = [
      ['source outside the allowlist', { sourceIp: '198.51.100.1' }, 403, 'source ip not allowed'],
      ['no source ip', { sourceIp: undefined }, 403, 'source ip not allowed'],
      [
        'allowlist checked before everything else',
        { sourceIp: '198.51.100.1', headers: {}, query: {} },
        403,
        'source ip not allowed',
      ],
      ['no Authorization header', { headers: { ...unsigned, authorization: undefined } }, 401, 'missing basic auth'],
      [
        'a wrong password',
        { headers: { ...signedRequest().headers, authorization: wrongAuth } },
        401,
        'basic auth mismatch',
      ],
      ['no query secret', { query: {} }, 401, 'missing query secret'],
      ['a wrong query secret', { query: { secret: 'guess' } }, 401, 'query secret mismatch'],
      ['basic auth checked before the query secret', { query: {}, headers: {} }, 401, 'missing basic auth'],
      ['no signature', { headers: unsigned }, 401, 'missing signature'],
      ['a body changed after signing', { rawBody: Buffer.from(`${fixture.body} `) }, 401, 'signature mismatch'],
      ['the URL of another stage', { url: fixture.url.replace('.com/', '.com/prod/') }, 401, 'signature mismatch'],
    ];
    for (const [why, overrides, status, reason] of table) {
      it(`${why} -> ${status} ${reason}`, () => {
        const decision = authenticateRequest(signedRequest(overrides), ALL_CHECKS);
        assert.equal(decision.ok, false);
        assert.deepEqual(
          { status: !decision.ok && decision.status, reason: !decision.ok && decision.reason },
          { status, reason },
        );
      });
    }

    it('offers the Basic challenge with a basic auth 401, and only then', () => {
      const basicFailure = authenticateRequest(signedRequest({ headers: {} }), ALL_CHECKS);
      assert.equal(!basicFailure.ok && basicFailure.wwwAuthenticate, BASIC_AUTH_CHALLENGE);
      const signatureFailure = authenticateRequest(signedRequest({ rawBody: Buffer.alloc(0) }), ALL_CHECKS);
      assert.equal(!signatureFailure.ok && signatureFailure.wwwAuthenticate, undefined);
    });
  });

  it('never takes the source address from X-Forwarded-For', () => {
    const policy = { ...NO_CHECKS, ipAllowlist: ['10.0.0.0/8'] };
    const spoofed = signedRequest({ sourceIp: '198.51.100.1', headers: { 'x-forwarded-for': '10.0.0.1' } });
    assert.deepEqual(authenticateRequest(spoofed, policy), { ok: false, status: 403, reason: 'source ip not allowed' });
  });

  it('runs a single configured check alone', () => {
    const onlySignature = { ...NO_CHECKS, signingKeys: ['PSK_other', FIXTURE_KEY] };
    const sha256Only = { 'x-signalwire-sha256-signature': fixture.headers['X-SignalWire-Sha256-Signature'] };
    const signedOnly = signedRequest({ headers: sha256Only, query: {}, sourceIp: undefined });
    assert.deepEqual(authenticateRequest(signedOnly, onlySignature), { ok: true });
    const onlyQuerySecret = { ...NO_CHECKS, querySecrets: ['query-secret'] };
    assert.deepEqual(authenticateRequest(signedRequest({ headers: {}, sourceIp: undefined }), onlyQuerySecret), {
      ok: true,
    });
    const onlyAllowlist = { ...NO_CHECKS, ipAllowlist: ['203.0.113.10'] };
    assert.deepEqual(authenticateRequest(signedRequest({ headers: {}, query: {} }), onlyAllowlist), { ok: true });
  });

  it('answers a policy parsed from the environment the same way as the equivalent literal', () => {
    const parsed = parseAuthPolicy({
      SIGNALWIRE_SIGNING_KEY: FIXTURE_KEY,
      WEBHOOK_BASIC_AUTH: 'signalwire:hunter2',
      WEBHOOK_QUERY_SECRET: 'query-secret',
      WEBHOOK_IP_ALLOWLIST: '203.0.113.0/24',
    });
    assert.deepEqual(authenticateRequest(signedRequest(), parsed), { ok: true });
    assert.equal(authenticateRequest(signedRequest({ sourceIp: '::1' }), parsed).ok, false);
  });
});
