import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ConfigError, DependencyError, PermanentError } from '../../lib/errors';
import { normalizeSpaceUrl } from '../../lib/signalwire/account-api';
import { createSignalWireRestClient, type SignalWireRestClient } from '../../lib/signalwire/rest-client';
import { startFakeSignalWire, type FakeSignalWire } from '../helpers/fake-signalwire';

const PROJECT_ID = 'p-0000-project';
const API_TOKEN = 'PT_secret_token_value';
const MESSAGE = {
  from: '+15551234567',
  to: '+15559876543',
  body: 'Réponse 👋',
  statusCallback: 'https://hooks.example/message-status',
};

describe('SignalWire REST client against a local fake', () => {
  let fake: FakeSignalWire;
  let client: SignalWireRestClient;

  before(async () => {
    fake = await startFakeSignalWire();
    // Generous: a loaded machine must not turn a slow answer into a failure (the hang test uses its own client).
    client = createSignalWireRestClient({
      spaceUrl: fake.url,
      projectId: PROJECT_ID,
      apiToken: API_TOKEN,
      timeoutMs: 5_000,
    });
  });
  after(() => fake?.close());
  beforeEach(() => fake.requests.splice(0));

  it('sends a message as a form with Basic auth and a status callback', async () => {
    // when
    const sent = await client.sendMessage(MESSAGE);
    // then the reply is read
    assert.equal(sent.status, 'queued');
    assert.match(sent.sid, /^[0-9a-f-]{36}$/);
    // and the request is what SignalWire expects
    assert.equal(fake.requests.length, 1);
    const [request] = fake.requests;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, `/api/laml/2010-04-01/Accounts/${PROJECT_ID}/Messages.json`);
    assert.equal(
      request?.headers.authorization,
      `Basic ${Buffer.from(`${PROJECT_ID}:${API_TOKEN}`).toString('base64')}`,
    );
    assert.equal(request?.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(request?.form, {
      From: MESSAGE.from,
      To: MESSAGE.to,
      Body: MESSAGE.body,
      StatusCallback: MESSAGE.statusCallback,
    });
  });

  it('gives a fresh sid to every message', async () => {
    const first = await client.sendMessage(MESSAGE);
    const second = await client.sendMessage(MESSAGE);
    assert.notEqual(first.sid, second.sid);
  });

  it('leaves StatusCallback out when none is given', async () => {
    await client.sendMessage({ from: MESSAGE.from, to: MESSAGE.to, body: 'x' });
    assert.equal(fake.requests[0]?.form.StatusCallback, undefined);
  });

  it('turns a 500 into a retryable DependencyError', async () => {
    fake.failNext(1, 500);
    await assert.rejects(
      client.sendMessage(MESSAGE),
      (error: unknown) => error instanceof DependencyError && /HTTP 500/.test(error.message),
    );
    // and the next request succeeds again
    assert.equal((await client.sendMessage(MESSAGE)).status, 'queued');
  });

  it('turns a 429 into a retryable DependencyError', async () => {
    fake.failNext(1, 429);
    await assert.rejects(client.sendMessage(MESSAGE), DependencyError);
  });

  it("turns a 400 into a PermanentError carrying the API's message but never the token", async () => {
    fake.failNext(1, 400, `The 'To' number is not valid (token ${API_TOKEN})`);
    await assert.rejects(client.sendMessage(MESSAGE), (error: unknown) => {
      assert.ok(error instanceof PermanentError);
      assert.match(error.message, /rejected with HTTP 400: The 'To' number is not valid .*\(code 21211\)/);
      assert.doesNotMatch(error.message + String(error.stack), new RegExp(API_TOKEN));
      return true;
    });
  });

  it('gives up on a hung request after the timeout with a DependencyError', async () => {
    fake.hangNext(1);
    const impatient = createSignalWireRestClient({
      spaceUrl: fake.url,
      projectId: PROJECT_ID,
      apiToken: API_TOKEN,
      timeoutMs: 200,
    });
    const started = Date.now();
    await assert.rejects(
      impatient.sendMessage(MESSAGE),
      (error: unknown) => error instanceof DependencyError && /timed out after 200 ms/.test(error.message),
    );
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 150 && elapsed < 2000, `took ${elapsed} ms`);
  });

  it('reports a refused connection as a DependencyError', async () => {
    const closed = await startFakeSignalWire();
    await closed.close();
    const unreachable = createSignalWireRestClient({
      spaceUrl: closed.url,
      projectId: PROJECT_ID,
      apiToken: API_TOKEN,
      timeoutMs: 200,
    });
    await assert.rejects(
      unreachable.sendMessage(MESSAGE),
      (error: unknown) => error instanceof DependencyError && /network error/.test(error.message),
    );
  });

  it('closes even with a request still hanging', async () => {
    const other = await startFakeSignalWire();
    other.hangNext(1);
    const hanging = createSignalWireRestClient({
      spaceUrl: other.url,
      projectId: PROJECT_ID,
      apiToken: API_TOKEN,
      timeoutMs: 5_000,
    });
    const pending = hanging.sendMessage(MESSAGE).catch((error: unknown) => error);
    while (other.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await other.close();
    assert.ok((await pending) instanceof DependencyError);
  });
});

describe('normalizeSpaceUrl', () => {
  const table: Array<[string, string]> = [
    ['example.signalwire.com', 'https://example.signalwire.com'],
    ['https://example.signalwire.com', 'https://example.signalwire.com'],
    ['https://example.signalwire.com/', 'https://example.signalwire.com'],
    ['  EXAMPLE.signalwire.com ', 'https://example.signalwire.com'],
    ['http://127.0.0.1:1234', 'http://127.0.0.1:1234'],
    ['http://localhost:8080/', 'http://localhost:8080'],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} -> ${expected}`, () => assert.equal(normalizeSpaceUrl(input), expected));
  }

  const invalid = [
    '',
    'http://example.signalwire.com',
    'https://example.signalwire.com/api',
    'https://user:pw@example.signalwire.com',
    'ftp://x',
    'https://',
  ];
  for (const input of invalid) {
    it(`refuses ${JSON.stringify(input)} with a ConfigError`, () =>
      assert.throws(() => normalizeSpaceUrl(input), ConfigError));
  }

  it('refuses a client without credentials, naming the field only', () => {
    assert.throws(
      () => createSignalWireRestClient({ spaceUrl: 'x.signalwire.com', projectId: 'p', apiToken: '' }),
      /apiToken is missing/,
    );
    assert.throws(
      () => createSignalWireRestClient({ spaceUrl: 'x.signalwire.com', projectId: ' ', apiToken: 't' }),
      /projectId is missing/,
    );
    assert.throws(
      () => createSignalWireRestClient({ spaceUrl: 'x.signalwire.com', projectId: 'p', apiToken: 't', timeoutMs: 0 }),
      ConfigError,
    );
  });
});
