import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { defaultSample, readSample, SAMPLES_DIR } from '../../cli/samples';
import { signSamples } from '../../cli/sign-samples';
import { PROJECT_ROOT } from '../../local/project-root';
import { verifySignalWireSignature } from '../../lib/security/signature';
import { allFixtures, FIXTURE_SIGNING_KEY, fixturePayload, type Fixture } from '../helpers/fixtures';

const run = promisify(execFile);
const OTHER_KEY = 'PSK_my_own_signing_key_0000000000';
const OTHER_BASE = 'https://hooks.example.com/prod';
// The official package's Scheme B check, an oracle independent of our signer (see security-signature-oracle.test.ts).
const { RestClient: oracle } = createRequire(import.meta.url)('@signalwire/compatibility-api') as {
  RestClient: {
    validateRequest(
      key: string,
      signature: string,
      url: string,
      params: Record<string, string>,
      quiet?: boolean,
    ): boolean;
  };
};

function verifies(sample: Fixture, key: string): boolean {
  const headers = Object.fromEntries(
    Object.entries(sample.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return verifySignalWireSignature(
    { url: sample.url, rawBody: Buffer.from(sample.body), contentType: sample.contentType, headers },
    [key],
  ).ok;
}

describe('samples/: the project owns its sample deliveries', () => {
  const out = mkdtempSync(join(tmpdir(), 'samples-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  it('covers every route and shape', () => {
    const shapes = new Set(
      allFixtures().map((sample) => `${sample.method} ${new URL(sample.url).pathname} ${shapeOf(sample)}`),
    );
    for (const expected of [
      'POST /call-status flat',
      'POST /call-status relay',
      'POST /call-status cxml',
      'POST /incoming-sms flat',
      'POST /incoming-sms relay',
      'POST /incoming-sms cxml',
      'POST /message-status flat',
      'POST /message-status relay',
      'POST /message-status cxml',
      'POST /video/events flat',
      'POST /video/events realtime',
      'GET /swml query',
      'POST /swml relay',
    ])
      assert.ok(shapes.has(expected), `a sample for ${expected} (have: ${[...shapes].join(', ')})`);
    const mms = allFixtures().filter(
      (sample) => new URL(sample.url).pathname === '/incoming-sms' && /"media":\["|MediaUrl0=/.test(sample.body),
    );
    assert.ok(mms.length >= 2, 'MMS samples with media');
  });

  it('re-signs every sample for another key and URL: each verifies there, and no longer with the example key', () => {
    const files = signSamples({ key: OTHER_KEY, baseUrl: OTHER_BASE, out });
    assert.equal(files.length, allFixtures().length);
    for (const original of allFixtures()) {
      const signed = readSample(join(out, `${original.name}.json`));
      const { pathname, search } = new URL(original.url);
      assert.equal(signed.url, `${OTHER_BASE}${pathname}${search}`);
      assert.equal(signed.body, original.body, `${original.name}: the body is untouched`);
      assert.deepEqual(
        Object.keys(signed.headers).sort(),
        Object.keys(original.headers).sort(),
        `${original.name}: same signature headers`,
      );
      assert.ok(verifies(signed, OTHER_KEY), `${original.name} verifies with the new key at the new URL`);
      assert.ok(!verifies(signed, FIXTURE_SIGNING_KEY), `${original.name} no longer verifies with the example key`);
      if (signed.contentType === 'application/x-www-form-urlencoded') {
        const params = fixturePayload(signed) as Record<string, string>;
        assert.ok(
          oracle.validateRequest(OTHER_KEY, signed.headers['X-SignalWire-Signature']!, signed.url, params, true),
          `${original.name}: the official package agrees`,
        );
      }
    }
  });

  it('re-signing with the example key at their own URL reproduces samples/ byte for byte', () => {
    const again = join(out, 'again');
    signSamples({ key: FIXTURE_SIGNING_KEY, out: again });
    for (const file of readdirSync(SAMPLES_DIR).filter((name) => name.endsWith('.json'))) {
      assert.equal(readFileSync(join(again, file), 'utf8'), readFileSync(join(SAMPLES_DIR, file), 'utf8'), file);
    }
  });

  it('runs as `npm run samples:sign -- --key K --base-url URL --out DIR`', async () => {
    const dir = join(out, 'script');
    const { stdout } = await run(
      'npm',
      ['run', '--silent', 'samples:sign', '--', '--key', OTHER_KEY, '--base-url', OTHER_BASE, '--out', dir],
      { cwd: PROJECT_ROOT },
    );
    assert.match(stdout, new RegExp(`signed ${allFixtures().length} samples into`));
    assert.ok(verifies(readSample(join(dir, 'incoming-sms-cxml.json')), OTHER_KEY));
    await assert.rejects(
      run('npm', ['run', '--silent', 'samples:sign', '--', '--base-url', OTHER_BASE], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, SIGNALWIRE_SIGNING_KEY: '' },
      }),
      /usage/,
    );
  });

  it('has a default sample for each route `webhooks send ROUTE` posts', () => {
    for (const route of [
      '/call-status',
      '/incoming-sms',
      '/message-status',
      '/video/events',
      '/video/room-started',
      '/video/member-left',
      '/swml',
    ]) {
      assert.equal(new URL(defaultSample(route).url).pathname, route);
    }
    assert.throws(() => defaultSample('/nowhere'), /no sample for \/nowhere/);
  });
});

function shapeOf(sample: Fixture): string {
  if (sample.method === 'GET') return 'query';
  if (sample.contentType === 'application/x-www-form-urlencoded') return 'cxml';
  const payload = fixturePayload(sample);
  if (typeof payload.event_type === 'string') return payload.event_type.startsWith('video.') ? 'realtime' : 'relay';
  if ('id' in payload || 'call' in payload) return 'relay';
  return 'flat';
}
