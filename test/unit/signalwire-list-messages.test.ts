import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DependencyError, PermanentError } from '../../lib/errors';
import { createSignalWireRestClient, type SignalWireRestClient } from '../../lib/signalwire/rest-client';
import { startFakeSignalWire, type FakeSignalWire } from '../helpers/fake-signalwire';

describe('SignalWire REST client: listing sent messages (the reconcile of an auto-reply)', () => {
  let fake: FakeSignalWire;
  let client: SignalWireRestClient;
  before(async () => {
    fake = await startFakeSignalWire();
    client = createSignalWireRestClient({ spaceUrl: fake.url, projectId: 'p-1', apiToken: 'PT_token', timeoutMs: 200 });
  });
  after(() => fake?.close());

  it('asks for the messages from one number to another since a day, and reads them', async () => {
    // given two messages sent, to different numbers
    const first = await client.sendMessage({ from: '+15551234567', to: '+15550000001', body: 'one' });
    await client.sendMessage({ from: '+15551234567', to: '+15550000002', body: 'two' });
    // when
    const since = Date.now() - 60_000;
    const listed = await client.listMessages({ from: '+15551234567', to: '+15550000001', sentSince: since });
    // then the query is the compatibility API's, and only the matching message comes back
    const request = fake.requests.at(-1)!;
    assert.equal(request.method, 'GET');
    const query = new URLSearchParams(request.path.split('?')[1]);
    assert.deepEqual(Object.fromEntries(query), { From: '+15551234567', To: '+15550000001', 'DateSent>': new Date(since).toISOString().slice(0, 10), PageSize: '100' });
    assert.equal(request.headers.authorization, `Basic ${Buffer.from('p-1:PT_token').toString('base64')}`);
    assert.equal(listed.length, 1);
    assert.deepEqual({ ...listed[0], dateCreated: undefined }, { sid: first.sid, from: '+15551234567', to: '+15550000001', body: 'one', status: 'sent', dateCreated: undefined });
    assert.ok(Math.abs(listed[0]!.dateCreated - Date.now()) < 5_000);
  });

  it('sorts failures like a send: 5xx and timeouts are retryable, other 4xx permanent', async () => {
    const filter = { from: '+1', to: '+2', sentSince: Date.now() };
    fake.failNext(1, 503);
    await assert.rejects(client.listMessages(filter), (e: unknown) => e instanceof DependencyError && /list messages failed with HTTP 503/.test(e.message));
    fake.failNext(1, 401, 'Unauthorized');
    await assert.rejects(client.listMessages(filter), (e: unknown) => e instanceof PermanentError && /list messages rejected with HTTP 401/.test(e.message));
    fake.hangNext(1);
    await assert.rejects(client.listMessages(filter), (e: unknown) => e instanceof DependencyError && /timed out after 200 ms/.test(e.message));
  });
});
