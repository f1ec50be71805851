import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { verifySignalWireSignature, type SignedRequest } from '../../lib/security/signature';
import { bodySha256Hex, formParamsSignature, rawBodySignature } from '../../lib/security/signature-digests';
import { SAMPLES_DIR } from '../../cli/samples';
import { allFixtures, FIXTURE_SIGNING_KEY, type Fixture } from '../helpers/fixtures';

const FIXTURE_KEY = FIXTURE_SIGNING_KEY;
const OTHER_KEY = 'PSK_rotated_signing_key_9876543210';
const fixtures: Fixture[] = allFixtures();

function requestOf(fixture: Fixture): SignedRequest {
  const headers = Object.fromEntries(
    Object.entries(fixture.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return { url: fixture.url, rawBody: Buffer.from(fixture.body, 'utf8'), contentType: fixture.contentType, headers };
}

/** The header whose value decides: the SHA-256 one when present (it wins), else X-SignalWire-Signature. */
function decidingHeader(request: SignedRequest): string {
  return request.headers['x-signalwire-sha256-signature'] !== undefined
    ? 'x-signalwire-sha256-signature'
    : 'x-signalwire-signature';
}

function flipCharAt(text: string, index: number): string {
  return text.slice(0, index) + String.fromCharCode(text.charCodeAt(index) ^ 0x01) + text.slice(index + 1);
}

function flipByteAt(bytes: Buffer, index: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

describe('signature verification of every sample in samples/', () => {
  it('finds the samples, signed with the key samples/README.md documents', () => {
    assert.ok(fixtures.length >= 19, `only ${fixtures.length} samples found in ${SAMPLES_DIR}`);
    assert.ok(
      readFileSync(`${SAMPLES_DIR}/README.md`, 'utf8').includes(`\`${FIXTURE_KEY}\``),
      'samples/README.md names the key',
    );
  });

  for (const fixture of fixtures) {
    describe(fixture.name, () => {
      const request = requestOf(fixture);
      const header = decidingHeader(request);

      it('verifies with its key and URL, by the scheme its headers call for', () => {
        const verdict = verifySignalWireSignature(request, [FIXTURE_KEY]);

        const expectedScheme =
          request.headers['x-signalwire-sha256-signature'] !== undefined
            ? 'raw-body-hmac-sha256'
            : fixture.contentType === 'application/x-www-form-urlencoded'
              ? 'form-params-hmac-sha1'
              : 'raw-body-hmac-sha1';
        assert.deepEqual(verdict, { ok: true, scheme: expectedScheme });
      });

      it('rejects the body with any single byte changed (or a byte added)', () => {
        const positions = [...request.rawBody.keys()];
        for (const position of positions) {
          const tampered = { ...request, rawBody: flipByteAt(request.rawBody, position) };
          assert.deepEqual(
            verifySignalWireSignature(tampered, [FIXTURE_KEY]),
            { ok: false, reason: 'signature mismatch' },
            `byte ${position} changed`,
          );
        }
        const extended = { ...request, rawBody: Buffer.concat([request.rawBody, Buffer.from('x')]) };
        assert.equal(verifySignalWireSignature(extended, [FIXTURE_KEY]).ok, false);
      });

      it('rejects the URL with any single character changed', () => {
        for (let position = 0; position < request.url.length; position++) {
          const tampered = { ...request, url: flipCharAt(request.url, position) };
          assert.equal(
            verifySignalWireSignature(tampered, [FIXTURE_KEY]).ok,
            false,
            `URL character ${position} changed`,
          );
        }
      });

      it('rejects the deciding signature with any single character changed', () => {
        const signature = request.headers[header]!;
        for (let position = 0; position < signature.length; position++) {
          const tampered = { ...request, headers: { ...request.headers, [header]: flipCharAt(signature, position) } };
          const verdict = verifySignalWireSignature(tampered, [FIXTURE_KEY]);
          // a character outside the signature's alphabet is refused before hashing; any other fails the comparison
          assert.ok(
            !verdict.ok && ['signature mismatch', 'malformed signature'].includes(verdict.reason),
            `signature character ${position} changed`,
          );
        }
      });

      it('accepts it while a second key is also valid (rotation), in either order', () => {
        assert.equal(verifySignalWireSignature(request, [OTHER_KEY, FIXTURE_KEY]).ok, true);
        assert.equal(verifySignalWireSignature(request, [FIXTURE_KEY, OTHER_KEY]).ok, true);
      });

      it('rejects it under a wrong key', () => {
        assert.deepEqual(verifySignalWireSignature(request, [OTHER_KEY]), { ok: false, reason: 'signature mismatch' });
        assert.deepEqual(verifySignalWireSignature(request, [`${FIXTURE_KEY}x`]), {
          ok: false,
          reason: 'signature mismatch',
        });
      });

      it('is reproduced by our own signer, so re-signing for another address is trustworthy', () => {
        const expected =
          fixture.contentType === 'application/x-www-form-urlencoded'
            ? formParamsSignature(FIXTURE_KEY, fixture.url, new URLSearchParams(fixture.body))
            : rawBodySignature(FIXTURE_KEY, fixture.url, request.rawBody, 'sha1');
        assert.equal(expected, request.headers['x-signalwire-signature']);
      });
    });
  }
});

describe('signature scheme rules', () => {
  const jsonFixture = requestOf(fixtures.find((fixture) => fixture.name === 'call-status-flat-answered')!);
  const formFixture = requestOf(fixtures.find((fixture) => fixture.name === 'incoming-sms-cxml')!);

  it('lets the SHA-256 header decide alone: a valid SHA-1 signature does not rescue a bad SHA-256 one', () => {
    // given a delivery whose SHA-256 signature was tampered with but whose SHA-1 signature is intact
    const sha256 = jsonFixture.headers['x-signalwire-sha256-signature']!;
    const request = {
      ...jsonFixture,
      headers: { ...jsonFixture.headers, 'x-signalwire-sha256-signature': flipCharAt(sha256, 3) },
    };
    // when / then
    assert.deepEqual(verifySignalWireSignature(request, [FIXTURE_KEY]), { ok: false, reason: 'signature mismatch' });
  });

  it('falls back to the SHA-1 signature without a SHA-256 header, and rejects a tampered one', () => {
    const { 'x-signalwire-sha256-signature': _dropped, ...sha1Only } = jsonFixture.headers;
    const request = { ...jsonFixture, headers: sha1Only };
    assert.deepEqual(verifySignalWireSignature(request, [FIXTURE_KEY]), { ok: true, scheme: 'raw-body-hmac-sha1' });
    const tampered = {
      ...request,
      headers: { ...sha1Only, 'x-signalwire-signature': flipCharAt(sha1Only['x-signalwire-signature']!, 39) },
    };
    assert.equal(verifySignalWireSignature(tampered, [FIXTURE_KEY]).ok, false);
  });

  it('accepts a rotated key signing a delivery the old key did not sign', () => {
    // given a delivery signed with the new key only
    const signature = rawBodySignature(OTHER_KEY, jsonFixture.url, jsonFixture.rawBody, 'sha256');
    const request = { ...jsonFixture, headers: { 'x-signalwire-sha256-signature': signature } };
    // then it passes while both keys are configured, and fails once the new key is removed
    assert.equal(verifySignalWireSignature(request, [FIXTURE_KEY, OTHER_KEY]).ok, true);
    assert.equal(verifySignalWireSignature(request, [FIXTURE_KEY]).ok, false);
  });

  it('reports a missing signature and a missing key configuration', () => {
    assert.deepEqual(verifySignalWireSignature({ ...jsonFixture, headers: {} }, [FIXTURE_KEY]), {
      ok: false,
      reason: 'missing signature',
    });
    assert.deepEqual(
      verifySignalWireSignature({ ...jsonFixture, headers: { 'x-signalwire-signature': '' } }, [FIXTURE_KEY]),
      { ok: false, reason: 'missing signature' },
    );
    assert.deepEqual(verifySignalWireSignature(jsonFixture, []), { ok: false, reason: 'no signing key configured' });
  });

  it('refuses signatures of any other length or alphabet as malformed, before hashing, without throwing', () => {
    for (const signature of ['x', 'ab'.repeat(100), '\u00e9'.repeat(28), '\u{1F600}'.repeat(10)]) {
      const request = { ...formFixture, headers: { 'x-signalwire-signature': signature } };
      assert.deepEqual(verifySignalWireSignature(request, [FIXTURE_KEY]), { ok: false, reason: 'malformed signature' });
    }
  });

  it('accepts a form signature in X-Twilio-Signature', () => {
    const request = {
      ...formFixture,
      headers: { 'x-twilio-signature': formFixture.headers['x-signalwire-signature']! },
    };
    assert.deepEqual(verifySignalWireSignature(request, [FIXTURE_KEY]), { ok: true, scheme: 'form-params-hmac-sha1' });
  });

  it('accepts the form signature whether or not the signed URL carried the default port', () => {
    // given the fixture signed for the URL without a port, received on the URL with :443
    const withPort = formFixture.url.replace('.amazonaws.com/', '.amazonaws.com:443/');
    assert.equal(verifySignalWireSignature({ ...formFixture, url: withPort }, [FIXTURE_KEY]).ok, true);
    // given a signature made over the URL with :443, received on the URL without it
    const signedWithPort = formParamsSignature(
      FIXTURE_KEY,
      withPort,
      new URLSearchParams(formFixture.rawBody.toString()),
    );
    const request = { ...formFixture, headers: { 'x-signalwire-signature': signedWithPort } };
    assert.equal(verifySignalWireSignature(request, [FIXTURE_KEY]).ok, true);
    // but a different port is a different URL
    const otherPort = formFixture.url.replace('.amazonaws.com/', '.amazonaws.com:8443/');
    assert.equal(verifySignalWireSignature({ ...formFixture, url: otherPort }, [FIXTURE_KEY]).ok, false);
  });

  it('covers decoded form parameters, not bytes: reordered pairs, %20 for + and a trailing & still verify (as Twilio defines it)', () => {
    const reordered =
      'NumMedia=0&Body=status%20please&To=%2b15551234567&From=%2B15559876543&AccountSid=p-0000&MessageSid=SM-0000-0001&';
    const request = { ...formFixture, rawBody: Buffer.from(reordered) };
    assert.equal(verifySignalWireSignature(request, [FIXTURE_KEY]).ok, true);
  });

  it('refuses a URL-only form signature over a non-form body, which would leave the body unsigned', () => {
    // given an attacker holding a valid URL-only signature for the URL (as a body-less request would carry)
    const urlOnly = formParamsSignature(FIXTURE_KEY, jsonFixture.url, []);
    const request = { ...jsonFixture, headers: { 'x-signalwire-signature': urlOnly } };
    // when they post any JSON body with it
    const verdict = verifySignalWireSignature(request, [FIXTURE_KEY]);
    // then it is refused; the same signature on an empty body is fine
    assert.deepEqual(verdict, { ok: false, reason: 'body not covered by signature' });
    assert.equal(
      verifySignalWireSignature({ ...request, rawBody: Buffer.alloc(0), contentType: undefined }, [FIXTURE_KEY]).ok,
      true,
    );
  });

  describe('a JSON body on the compatibility surface (bodySHA256 query parameter)', () => {
    const body = Buffer.from('{"CallSid":"CA-1","CallStatus":"completed","note":"h\u00e9llo \u{1F600}"}');
    const url = `https://abc123.execute-api.us-east-1.amazonaws.com/call-status?bodySHA256=${bodySha256Hex(body)}`;
    const signed = {
      url,
      rawBody: body,
      contentType: 'application/json',
      headers: { 'x-signalwire-signature': formParamsSignature(FIXTURE_KEY, url, []) },
    };

    it('verifies the URL signature and the body hash', () => {
      assert.deepEqual(verifySignalWireSignature(signed, [FIXTURE_KEY]), {
        ok: true,
        scheme: 'url-hmac-sha1-body-sha256',
      });
    });

    it('rejects a changed body by its hash, and a changed hash by the URL signature', () => {
      assert.deepEqual(verifySignalWireSignature({ ...signed, rawBody: flipByteAt(body, 5) }, [FIXTURE_KEY]), {
        ok: false,
        reason: 'body hash mismatch',
      });
      const otherHash = bodySha256Hex(flipByteAt(body, 5));
      assert.deepEqual(
        verifySignalWireSignature({ ...signed, url: url.replace(/=.*$/, `=${otherHash}`) }, [FIXTURE_KEY]),
        { ok: false, reason: 'signature mismatch' },
      );
    });
  });
});
