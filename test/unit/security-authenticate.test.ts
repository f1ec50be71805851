import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ClientError, DependencyError } from '../../lib/errors';
import { errorResponse } from '../../lib/http/responses';
import { authenticatorFromEnv, type Authenticate } from '../../lib/security/authenticate';
import { rawBodyBytes } from '../../lib/http/request-body';
import { toWebhookRequest, type WebhookRequest } from '../../lib/http/webhook-request';
import type { Logger } from '../../lib/logger';
import type { Metrics } from '../../lib/metrics';
import { signDelivery } from '../../lib/security/sign-delivery';
import { apiGatewayEvent } from '../helpers/aws-events';
import { allFixtures, loadFixture, type Fixture } from '../helpers/fixtures';

const FIXTURE_KEY = 'PSK_example_signing_key_0123456789';
const NEW_KEY = 'PSK_rotated_signing_key_9876543210';
const ON_LAMBDA = { AWS_LAMBDA_FUNCTION_NAME: 'signalwire-webhooks-prod-ingest' };

/** The HTTP API event API Gateway builds for a delivery of `fixture` sent to `url` (its own URL by default). */
function gatewayEvent(
  fixture: Fixture,
  overrides: { url?: string; headers?: Record<string, string>; sourceIp?: string } = {},
): APIGatewayProxyEventV2 {
  const url = new URL(overrides.url ?? fixture.url);
  const headers = Object.fromEntries(
    Object.entries({ ...fixture.headers, ...overrides.headers }).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return apiGatewayEvent({
    routeKey: `${fixture.method} ${url.pathname.startsWith('/video/') && url.pathname !== '/video/events' ? '/video/{event}' : url.pathname}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: { host: url.host, ...(fixture.contentType && { 'content-type': fixture.contentType }), ...headers },
    ...(fixture.body !== '' && { body: fixture.body }),
    domainName: url.hostname,
    stage: '$default',
    requestId: 'req-1',
    sourceIp: overrides.sourceIp ?? '198.51.100.7',
  });
}

function recorder(): { log: Logger; metrics: Metrics; lines: Record<string, unknown>[]; counts: unknown[][] } {
  const lines: Record<string, unknown>[] = [];
  const counts: unknown[][] = [];
  const write = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, msg, ...fields });
  return {
    log: { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') },
    metrics: { count: (...args) => void counts.push(args) },
    lines,
    counts,
  };
}

async function outcome(authenticate: Authenticate, event: APIGatewayProxyEventV2): Promise<number> {
  const request: WebhookRequest = toWebhookRequest(event);
  try {
    await authenticate(request, rawBodyBytes(request.body, request.isBase64Encoded));
    return 200;
  } catch (error) {
    if (error instanceof ClientError) return error.statusCode;
    throw error;
  }
}

describe('webhook authenticator on Lambda (URL from the request context)', () => {
  it('verifies every sample against its original API Gateway URL, and with either key of a rotation', async () => {
    for (const keys of [FIXTURE_KEY, JSON.stringify([FIXTURE_KEY, NEW_KEY]), JSON.stringify([NEW_KEY, FIXTURE_KEY])]) {
      const authenticate = authenticatorFromEnv({ ...ON_LAMBDA, SIGNALWIRE_SIGNING_KEY: keys }, recorder());
      for (const fixture of allFixtures()) {
        assert.equal(await outcome(authenticate, gatewayEvent(fixture)), 200, `${fixture.name} with keys ${keys}`);
      }
    }
  });

  it('refuses a changed byte of body, URL or signature with a generic 401, and counts and logs the reason', async () => {
    const { log, metrics, lines, counts } = recorder();
    const authenticate = authenticatorFromEnv({ ...ON_LAMBDA, SIGNALWIRE_SIGNING_KEY: FIXTURE_KEY }, { log, metrics });
    for (const fixture of allFixtures()) {
      const tamperedBody = {
        ...fixture,
        body: fixture.body === '' ? 'x=1' : fixture.body.replace(/\d/, (d) => String((Number(d) + 1) % 10)),
      };
      const url = new URL(fixture.url);
      const otherPath = `https://${url.host}${url.pathname}x${url.search}`;
      const signature = Object.keys(fixture.headers).find((h) => h.toLowerCase() === 'x-signalwire-signature')!;
      const badSignature = {
        ...fixture,
        headers: { [signature]: fixture.headers[signature]!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) },
      };
      for (const event of [
        gatewayEvent(tamperedBody),
        gatewayEvent(fixture, { url: otherPath }),
        gatewayEvent(badSignature),
        gatewayEvent({ ...fixture, headers: {} }),
      ]) {
        assert.equal(await outcome(authenticate, event), 401, fixture.name);
      }
    }
    assert.ok(
      counts.every(
        ([name, dimensions]) =>
          name === 'WebhookRejected' && typeof (dimensions as { Reason: string }).Reason === 'string',
      ),
    );
    assert.deepEqual(
      new Set(counts.map(([, d]) => (d as { Reason: string }).Reason)),
      new Set(['signature mismatch', 'missing signature']),
    );
    const refused = lines.filter((line) => line.msg === 'webhook refused');
    assert.equal(refused.length, counts.length);
    assert.ok(!JSON.stringify(lines).includes(FIXTURE_KEY), 'the key is never logged');
  });

  it('never takes the URL from the Host header: a delivery signed for the attacker-chosen host is refused', async () => {
    const authenticate = authenticatorFromEnv({ ...ON_LAMBDA, SIGNALWIRE_SIGNING_KEY: FIXTURE_KEY }, recorder());
    const fixture = loadFixture('call-status-flat-answered');
    const forged = {
      ...fixture,
      headers: signDelivery({ ...fixture, url: 'https://evil.example/call-status' }, FIXTURE_KEY),
    };
    const event = gatewayEvent(forged, { headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } });
    assert.equal(await outcome(authenticate, event), 401);
    // and the genuine delivery still passes whatever Host says
    assert.equal(await outcome(authenticate, gatewayEvent(fixture, { headers: { host: 'evil.example' } })), 200);
  });

  it('accepts the URL configured as WEBHOOK_PUBLIC_BASE_URL (a CDN in front) as well as the API URL', async () => {
    const authenticate = authenticatorFromEnv(
      { ...ON_LAMBDA, SIGNALWIRE_SIGNING_KEY: FIXTURE_KEY, WEBHOOK_PUBLIC_BASE_URL: 'https://hooks.example.com/sw' },
      recorder(),
    );
    const fixture = loadFixture('incoming-sms-cxml');
    const viaCdn = {
      ...fixture,
      headers: signDelivery({ ...fixture, url: 'https://hooks.example.com/sw/incoming-sms' }, FIXTURE_KEY),
    };
    assert.equal(await outcome(authenticate, gatewayEvent(viaCdn, { url: fixture.url })), 200);
    assert.equal(await outcome(authenticate, gatewayEvent(fixture)), 200);
  });

  it('fails closed with a generic 403 when nothing is configured, unless unauthenticated access is explicitly allowed', async () => {
    const fixture = loadFixture('call-status-flat-answered');
    const closed = recorder();
    assert.equal(await outcome(authenticatorFromEnv(ON_LAMBDA, closed), gatewayEvent(fixture)), 403);
    assert.deepEqual(closed.counts, [['WebhookRejected', { Reason: 'no webhook verification configured' }]]);
    assert.ok(closed.lines.some((line) => line.level === 'error' && /fail closed/.test(String(line.msg))));
    const open = authenticatorFromEnv({ ...ON_LAMBDA, WEBHOOK_ALLOW_UNAUTHENTICATED: 'true' }, recorder());
    assert.equal(await outcome(open, gatewayEvent(fixture)), 200);
  });

  it('checks the IP allowlist against API Gateway source IP, never X-Forwarded-For', async () => {
    const authenticate = authenticatorFromEnv(
      { ...ON_LAMBDA, WEBHOOK_IP_ALLOWLIST: '203.0.113.0/24, 2001:db8::/32' },
      recorder(),
    );
    const fixture = loadFixture('call-status-flat-answered');
    assert.equal(await outcome(authenticate, gatewayEvent(fixture, { sourceIp: '203.0.113.9' })), 200);
    assert.equal(await outcome(authenticate, gatewayEvent(fixture, { sourceIp: '2001:db8::1' })), 200);
    const spoofed = gatewayEvent(fixture, { sourceIp: '198.51.100.7', headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(await outcome(authenticate, spoofed), 403);
  });

  it('refuses a body over the size limit with 413 before hashing it, signed or not', async () => {
    const authenticate = authenticatorFromEnv({ ...ON_LAMBDA, SIGNALWIRE_SIGNING_KEY: FIXTURE_KEY }, recorder());
    const fixture = loadFixture('call-status-flat-answered');
    const huge = { ...fixture, body: JSON.stringify({ call_id: 'x'.repeat(300 * 1024) }) };
    assert.equal(await outcome(authenticate, gatewayEvent(huge)), 413);
    assert.equal(await outcome(authenticate, gatewayEvent({ ...huge, headers: signDelivery(huge, FIXTURE_KEY) })), 413);
  });

  it('answers a missing Basic credential with a 401 challenge, and checks the ?secret= query parameter', async () => {
    const basic = authenticatorFromEnv({ ...ON_LAMBDA, WEBHOOK_BASIC_AUTH: 'signalwire:hunter2' }, recorder());
    const fixture = loadFixture('call-status-flat-answered');
    const request = toWebhookRequest(gatewayEvent(fixture));
    const refusal = await basic(request, Buffer.from(fixture.body)).then(
      () => undefined,
      (error: unknown) => error,
    );
    const response = errorResponse(refusal, recorder().log);
    assert.equal(response.statusCode, 401);
    assert.deepEqual(JSON.parse(response.body!), { error: 'unauthorized' });
    assert.match(String((response.headers as Record<string, string>)['www-authenticate']), /^Basic realm=/);
    const authorization = `Basic ${Buffer.from('signalwire:hunter2').toString('base64')}`;
    assert.equal(await outcome(basic, gatewayEvent(fixture, { headers: { authorization } })), 200);

    const query = authenticatorFromEnv({ ...ON_LAMBDA, WEBHOOK_QUERY_SECRET: 's3cret' }, recorder());
    assert.equal(await outcome(query, gatewayEvent(fixture, { url: `${fixture.url}?secret=s3cret` })), 200);
    assert.equal(await outcome(query, gatewayEvent(fixture, { url: `${fixture.url}?secret=guess` })), 401);
    assert.equal(await outcome(query, gatewayEvent(fixture)), 401);
  });
});

describe('webhook authenticator secrets from SSM', () => {
  const PARAMS = {
    ...ON_LAMBDA,
    SIGNALWIRE_SIGNING_KEY_PARAMETER: '/signalwire-webhooks/prod/signing-key',
    WEBHOOK_BASIC_AUTH_PARAMETER: '/signalwire-webhooks/prod/basic-auth',
    WEBHOOK_QUERY_SECRET_PARAMETER: '/signalwire-webhooks/prod/query-secret',
  };

  it('reads the parameters once, in one call; a parameter that does not exist turns its check off', async () => {
    const reads: (readonly string[])[] = [];
    const readParameters = async (names: readonly string[]) => {
      reads.push(names);
      return new Map([['/signalwire-webhooks/prod/signing-key', JSON.stringify([FIXTURE_KEY, NEW_KEY])]]);
    };
    const authenticate = authenticatorFromEnv(PARAMS, { ...recorder(), readParameters });
    const fixture = loadFixture('message-status-cxml-sent');
    assert.equal(await outcome(authenticate, gatewayEvent(fixture)), 200);
    assert.equal(await outcome(authenticate, gatewayEvent({ ...fixture, headers: {} })), 401);
    assert.deepEqual(reads, [
      [
        PARAMS.SIGNALWIRE_SIGNING_KEY_PARAMETER,
        PARAMS.WEBHOOK_BASIC_AUTH_PARAMETER,
        PARAMS.WEBHOOK_QUERY_SECRET_PARAMETER,
      ],
    ]);
  });

  it('answers 503 (SignalWire retries) while SSM cannot be read, and recovers on the next request', async () => {
    let available = false;
    const readParameters = async () => {
      if (!available) throw new Error('ThrottlingException');
      return new Map([['/signalwire-webhooks/prod/signing-key', FIXTURE_KEY]]);
    };
    const authenticate = authenticatorFromEnv(PARAMS, { ...recorder(), readParameters });
    const fixture = loadFixture('call-status-flat-answered');
    const request = toWebhookRequest(gatewayEvent(fixture));
    await assert.rejects(authenticate(request, Buffer.from(fixture.body)), DependencyError);
    available = true;
    assert.equal(await outcome(authenticate, gatewayEvent(fixture)), 200);
  });

  it('REGRESSION: a bad secret list (a bare comma) is a clear start-up error and a 503 until fixed, never a weaker check', async () => {
    // given the environment (or SSM) holding a comma list where one secret or a JSON list is expected
    for (const [env, readParameters] of [
      [{ ...ON_LAMBDA, WEBHOOK_QUERY_SECRET: 'abc,def' }, undefined],
      [PARAMS, async () => new Map([['/signalwire-webhooks/prod/query-secret', 'abc,def']])],
    ] as const) {
      const rec = recorder();
      const authenticate = authenticatorFromEnv(env, { ...rec, readParameters });
      // when deliveries come, even one presenting a half of the old list as its secret
      const fixture = loadFixture('call-status-flat-answered');
      const request = toWebhookRequest(gatewayEvent(fixture, { url: `${fixture.url}?secret=abc` }));
      const refusal = await authenticate(request, Buffer.from(fixture.body)).then(
        () => assert.fail('let in'),
        (e: unknown) => e,
      );
      assert.ok(refusal instanceof DependencyError && /misconfigured|invalid/.test(refusal.message), String(refusal));
      // then the start-up logged why (naming the setting, not its value), and the answer is 503
      const logged = rec.lines.find(
        (line) => line.msg === 'webhook verification misconfigured; answering 503 until fixed',
      );
      assert.ok(logged, JSON.stringify(rec.lines));
      assert.match(String(logged.reason), /WEBHOOK_QUERY_SECRET: contains a comma/);
      assert.ok(!JSON.stringify(rec.lines).includes('abc'));
      assert.equal(errorResponse(refusal, rec.log).statusCode, 503);
    }
  });

  it('reads the named SSM parameters off Lambda too (the local stack serves them from its SSM stand-in)', async () => {
    const asked: string[][] = [];
    const readParameters = async (names: readonly string[]) => {
      asked.push([...names]);
      return new Map<string, string>();
    };
    const { AWS_LAMBDA_FUNCTION_NAME: _, ...local } = PARAMS;
    const authenticate = authenticatorFromEnv(local, { ...recorder(), readParameters });
    // no parameter exists: every check is off, and off Lambda that means open
    assert.equal(await outcome(authenticate, gatewayEvent(loadFixture('call-status-flat-answered'))), 200);
    assert.deepEqual(
      asked.flat().sort(),
      Object.entries(local)
        .filter(([k]) => k.endsWith('_PARAMETER'))
        .map(([, v]) => v)
        .sort(),
    );
  });

  it('prefers a secret given directly over its SSM parameter', async () => {
    const readParameters = async (): Promise<Map<string, string>> =>
      assert.fail('SSM read although the secrets are given');
    const { AWS_LAMBDA_FUNCTION_NAME: _, ...local } = PARAMS;
    const direct = { ...local, SIGNALWIRE_SIGNING_KEY: 'k', WEBHOOK_BASIC_AUTH: 'u:p', WEBHOOK_QUERY_SECRET: 's' };
    const authenticate = authenticatorFromEnv(direct, { ...recorder(), readParameters });
    assert.equal(await outcome(authenticate, gatewayEvent(loadFixture('call-status-flat-answered'))), 401);
  });
});

describe('webhook authenticator on the local stack', () => {
  it('verifies against http:// + Host + path + query, and is open when nothing is configured', async () => {
    const fixture = loadFixture('swml-fetch-get');
    const localUrl = `http://127.0.0.1:3000${new URL(fixture.url).pathname}${new URL(fixture.url).search}`;
    const signed = { ...fixture, headers: signDelivery({ ...fixture, url: localUrl }, FIXTURE_KEY) };
    const authenticate = authenticatorFromEnv({ SIGNALWIRE_SIGNING_KEY: FIXTURE_KEY }, recorder());
    assert.equal(await outcome(authenticate, gatewayEvent(signed, { url: localUrl })), 200);
    assert.equal(await outcome(authenticate, gatewayEvent(fixture, { url: localUrl })), 401);
    assert.equal(await outcome(authenticatorFromEnv({}, recorder()), gatewayEvent(fixture, { url: localUrl })), 200);
  });

  it('re-signs a fixture exactly as SignalWire signed it (signDelivery agrees with samples/)', () => {
    for (const fixture of allFixtures()) {
      const headers = signDelivery(fixture, FIXTURE_KEY);
      for (const [name, value] of Object.entries(headers)) {
        if (fixture.headers[name] !== undefined) assert.equal(value, fixture.headers[name], `${fixture.name} ${name}`);
      }
    }
  });
});
