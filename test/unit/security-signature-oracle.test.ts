import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { verifySignalWireSignature } from '../../lib/security/signature';

/**
 * The official `@signalwire/compatibility-api` package as the test oracle for Scheme B. Its public entry exposes
 * `RestClient.validateRequest(WithBody)`; the signer `getExpectedTwilioSignature` is only in its CommonJS sources,
 * loaded by file path (its package.json "exports" hides them). It ships no usable types, hence the interfaces.
 */
type OracleParams = Record<string, string | string[]>;
interface OracleValidators {
  validateRequest(
    key: string,
    signature: string,
    url: string,
    params: OracleParams,
    suppressWarning?: boolean,
  ): boolean;
  validateRequestWithBody(key: string, signature: string, url: string, body: string): boolean;
}
interface OracleSigner {
  getExpectedTwilioSignature(key: string, url: string, params: OracleParams): string;
  getExpectedBodyHash(body: string): string;
}
const require = createRequire(import.meta.url);
const publicEntry = require.resolve('@signalwire/compatibility-api');
const { RestClient: oracle } = require(publicEntry) as { RestClient: OracleValidators };
const signer = require(new URL('../lib/webhooks/webhooks.js', `file://${publicEntry}`).pathname) as OracleSigner;

const KEY = 'PSK_example_signing_key_0123456789';
const FORM = 'application/x-www-form-urlencoded';

/** Form entries in arrival order; names repeat. Any Unicode scalar value, controls included. */
const formEntries = fc.array(
  fc.tuple(
    fc.oneof(
      fc.constantFrom('Body', 'From', 'To', 'MediaUrl0', 'a', 'A', '_'),
      fc.string({ unit: 'binary', maxLength: 8 }),
    ),
    fc.string({ unit: 'binary', maxLength: 24 }),
  ),
  { maxLength: 12 },
);

/** Sane webhook URLs (the oracle normalises exotic ones through url-parse): scheme, host, optional port, path, query. */
const webhookUrl = fc
  .record({
    scheme: fc.constantFrom('https', 'http'),
    host: fc.constantFrom('abc123.execute-api.us-east-1.amazonaws.com', 'hooks.example.com', 'localhost', '127.0.0.1'),
    port: fc.constantFrom('', 'default', ':8443', ':3000'),
    path: fc.array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,10}$/), { maxLength: 4 }),
    query: fc.option(
      fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,5}$/), fc.string({ unit: 'grapheme', maxLength: 6 })), {
        minLength: 1,
        maxLength: 3,
      }),
    ),
  })
  .map(({ scheme, host, port, path, query }) => {
    const explicitPort = port === 'default' ? (scheme === 'https' ? ':443' : ':80') : port;
    const search = query === null ? '' : `?${query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
    return `${scheme}://${host}${explicitPort}/${path.join('/')}${search}`;
  });

function oracleParamsOf(entries: ReadonlyArray<readonly [string, string]>): OracleParams {
  // Null prototype, so a generated name such as "__proto__" stays an ordinary key, as a body parser would keep it.
  const params = Object.create(null) as Record<string, string[]>;
  for (const [name, value] of entries) {
    params[name] ??= [];
    params[name].push(value);
  }
  const flattened = Object.create(null) as OracleParams;
  for (const [name, values] of Object.entries(params)) flattened[name] = values.length === 1 ? values[0]! : values;
  return flattened;
}

function formBodyOf(entries: ReadonlyArray<readonly [string, string]>, plusForSpace: boolean): Buffer {
  const text = plusForSpace
    ? new URLSearchParams(entries.map(([name, value]): [string, string] => [name, value])).toString()
    : entries.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
  return Buffer.from(text, 'utf8');
}

function withDefaultPort(url: string): string {
  return url.replace(
    /^(https?):\/\/([^/:]+)\//,
    (_all, scheme: string, host: string) => `${scheme}://${host}:${scheme === 'https' ? 443 : 80}/`,
  );
}

function withoutDefaultPort(url: string): string {
  return url.replace(/^(https:\/\/[^/]+):443\//, '$1/').replace(/^(http:\/\/[^/]+):80\//, '$1/');
}

describe('Scheme B against @signalwire/compatibility-api', () => {
  it('verifies every signature the official signer produces, with repeated names, Unicode and either space encoding', () => {
    fc.assert(
      fc.property(webhookUrl, formEntries, fc.boolean(), (url, entries, plusForSpace) => {
        // given a delivery signed by the official library
        const params = oracleParamsOf(entries);
        const signature = signer.getExpectedTwilioSignature(KEY, url, params);
        const request = {
          url,
          rawBody: formBodyOf(entries, plusForSpace),
          contentType: FORM,
          headers: { 'x-signalwire-signature': signature },
        };
        // when we verify it, then we accept it, as the official validator does
        assert.deepEqual(verifySignalWireSignature(request, ['PSK_other', KEY]), {
          ok: true,
          scheme: 'form-params-hmac-sha1',
        });
        assert.equal(oracle.validateRequest(KEY, signature, url, params, true), true);
      }),
    );
  });

  it('accepts a signature over the URL with the default port on the URL without it, and the reverse', () => {
    fc.assert(
      fc.property(webhookUrl, formEntries, fc.boolean(), (url, entries, signedWithPort) => {
        const portless = withoutDefaultPort(url);
        const signedUrl = signedWithPort ? withDefaultPort(portless) : portless;
        const receivedUrl = signedWithPort ? portless : withDefaultPort(portless);
        const signature = signer.getExpectedTwilioSignature(KEY, signedUrl, oracleParamsOf(entries));
        const headers = { 'x-signalwire-signature': signature };
        const request = { url: receivedUrl, rawBody: formBodyOf(entries, false), contentType: FORM, headers };
        assert.equal(verifySignalWireSignature(request, [KEY]).ok, true);
        assert.equal(oracle.validateRequest(KEY, signature, receivedUrl, oracleParamsOf(entries), true), true);
      }),
    );
  });

  it('agrees with the official validator on tampered parameters, URLs and keys', () => {
    const tampering = fc.constantFrom('value', 'name', 'drop', 'swap-duplicates', 'url', 'key');
    fc.assert(
      fc.property(webhookUrl, formEntries, tampering, (url, entries, how) => {
        // given a signed delivery (no non-default port: see the next test) and one tampering
        const signedUrl = url.replace(/:(8443|3000)\//, '/');
        const signature = signer.getExpectedTwilioSignature(KEY, signedUrl, oracleParamsOf(entries));
        let received = entries.map(([name, value]) => [name, value] as [string, string]);
        let receivedUrl = signedUrl;
        let key = KEY;
        if (how === 'value' && received.length > 0) received[0]![1] += 'x';
        if (how === 'name' && received.length > 0) received[0]![0] += 'x';
        if (how === 'drop') received = received.slice(1);
        if (how === 'swap-duplicates') received = [...received].reverse();
        if (how === 'url') receivedUrl = signedUrl.replace('://', '://x');
        if (how === 'key') key = `${KEY}x`;
        // when both verify it, then both reach the same verdict
        const ours = verifySignalWireSignature(
          {
            url: receivedUrl,
            rawBody: formBodyOf(received, false),
            contentType: FORM,
            headers: { 'x-twilio-signature': signature },
          },
          [key],
        );
        assert.equal(ours.ok, oracle.validateRequest(key, signature, receivedUrl, oracleParamsOf(received), true));
      }),
    );
  });

  it('unlike the official validator, never strips a non-default port: :8443 is part of the URL', () => {
    // given a delivery signed for the URL without a port, received on :8443
    const signature = signer.getExpectedTwilioSignature(KEY, 'https://hooks.example.com/sms', { Body: 'hi' });
    const received = 'https://hooks.example.com:8443/sms';
    // then the oracle (url-parse removePort) accepts it and we do not
    assert.equal(oracle.validateRequest(KEY, signature, received, { Body: 'hi' }, true), true);
    const request = {
      url: received,
      rawBody: Buffer.from('Body=hi'),
      contentType: FORM,
      headers: { 'x-signalwire-signature': signature },
    };
    assert.deepEqual(verifySignalWireSignature(request, [KEY]), { ok: false, reason: 'signature mismatch' });
  });

  it('verifies JSON bodies pinned by bodySHA256 exactly when the official validator does', () => {
    const body = fc.json().map((json) => `${json}`);
    fc.assert(
      fc.property(webhookUrl, body, fc.boolean(), (url, json, tamper) => {
        const separator = url.includes('?') ? '&' : '?';
        const signedUrl = `${url}${separator}bodySHA256=${signer.getExpectedBodyHash(json)}`;
        const signature = signer.getExpectedTwilioSignature(KEY, signedUrl, {});
        const received = tamper ? `${json} ` : json;
        const headers = { 'x-signalwire-signature': signature };
        const request = { url: signedUrl, rawBody: Buffer.from(received), contentType: 'application/json', headers };
        const ours = verifySignalWireSignature(request, [KEY]);
        assert.equal(ours.ok, oracle.validateRequestWithBody(KEY, signature, signedUrl, received));
        assert.deepEqual(
          ours,
          tamper ? { ok: false, reason: 'body hash mismatch' } : { ok: true, scheme: 'url-hmac-sha1-body-sha256' },
        );
      }),
    );
  });
});
