import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DependencyError, PermanentError } from '../../lib/errors';
import { createSignalWireRestClient, type SignalWireRestClient } from '../../lib/signalwire/rest-client';
import { CredentialsRefusedError } from '../../lib/signalwire/rest-responses';
import { startFakeSignalWire, type FakeSignalWire } from '../helpers/fake-signalwire';

describe('SignalWire REST client: listing sent messages (the reconcile of an auto-reply)', () => {
  let fake: FakeSignalWire;
  let client: SignalWireRestClient;
  before(async () => {
    fake = await startFakeSignalWire();
    // Generous: a loaded machine must not turn a slow answer into a failure (the hang test uses its own client).
    client = createSignalWireRestClient({
      spaceUrl: fake.url,
      projectId: 'p-1',
      apiToken: 'PT_token',
      timeoutMs: 5_000,
    });
  });
  after(() => fake?.close());
  beforeEach(() => {
    fake.pageSize = 50;
  });

  it('asks for the messages from one number to another since a day, and reads them', async () => {
    // given two messages sent, to different numbers
    const first = await client.sendMessage({ from: '+15551234567', to: '+15550000001', body: 'one' });
    await client.sendMessage({ from: '+15551234567', to: '+15550000002', body: 'two' });
    // when
    const since = Date.now() - 60_000;
    const before = fake.requests.length;
    const listed = await client.listMessages({ from: '+15551234567', to: '+15550000001', sentSince: since });
    // then the queries are the compatibility API's (sent since the day, and the newest including unsent ones)
    const queries = fake.requests
      .slice(before)
      .map((r) => Object.fromEntries(new URLSearchParams(r.path.split('?')[1])));
    assert.deepEqual(queries, [
      {
        From: '+15551234567',
        To: '+15550000001',
        PageSize: '100',
        'DateSent>': new Date(since).toISOString().slice(0, 10),
      },
      { From: '+15551234567', To: '+15550000001', PageSize: '100' },
    ]);
    assert.equal(
      fake.requests.at(-1)!.headers.authorization,
      `Basic ${Buffer.from('p-1:PT_token').toString('base64')}`,
    );
    assert.equal(listed.length, 1);
    assert.deepEqual(
      { ...listed[0], dateCreated: undefined, dateSent: undefined },
      {
        sid: first.sid,
        from: '+15551234567',
        to: '+15550000001',
        body: 'one',
        status: 'sent',
        dateCreated: undefined,
        dateSent: undefined,
      },
    );
    assert.ok(Math.abs(listed[0]!.dateCreated - Date.now()) < 5_000);
  });

  it('reads every page (next_page_uri), not only the first', async () => {
    // given 7 messages to one number and pages of 3
    const sids = [];
    for (let i = 0; i < 7; i++)
      sids.push((await client.sendMessage({ from: '+15551234567', to: '+15550000007', body: `m${i}` })).sid);
    fake.pageSize = 3;
    // when
    const listed = await client.listMessages({
      from: '+15551234567',
      to: '+15550000007',
      sentSince: Date.now() - 60_000,
    });
    // then all 7 are found, each once
    assert.deepEqual(listed.map((m) => m.sid).sort(), [...sids].sort());
    assert.ok(
      fake.requests.some((r) => r.path.includes('Page=2')),
      'the third page was asked for',
    );
  });

  it('finds a message accepted but not sent yet (date_sent null, queued)', async () => {
    // given the space keeps the next message queued: the DateSent filter leaves it out
    fake.keepQueuedNext(1);
    const queued = await client.sendMessage({ from: '+15551234567', to: '+15550000008', body: 'waiting' });
    // when
    const listed = await client.listMessages({
      from: '+15551234567',
      to: '+15550000008',
      sentSince: Date.now() - 60_000,
    });
    // then it is found anyway, as queued
    assert.deepEqual(
      listed.map((m) => [m.sid, m.status, m.dateSent]),
      [[queued.sid, 'queued', null]],
    );
  });

  it('sorts failures: 5xx and timeouts retryable, 401 a refusal of our credentials (retryable), other 4xx permanent', async () => {
    const filter = { from: '+1', to: '+2', sentSince: Date.now() };
    fake.failNext(1, 503);
    await assert.rejects(
      client.listMessages(filter),
      (e: unknown) => e instanceof DependencyError && /list messages failed with HTTP 503/.test(e.message),
    );
    fake.failNext(1, 401, 'Unauthorized');
    await assert.rejects(
      client.listMessages(filter),
      (e: unknown) =>
        e instanceof CredentialsRefusedError &&
        e instanceof DependencyError &&
        /refused our credentials with HTTP 401/.test(e.message),
    );
    fake.failNext(1, 404);
    await assert.rejects(
      client.listMessages(filter),
      (e: unknown) => e instanceof PermanentError && /list messages rejected with HTTP 404/.test(e.message),
    );
    fake.hangNext(1);
    const impatient = createSignalWireRestClient({
      spaceUrl: fake.url,
      projectId: 'p-1',
      apiToken: 'PT_token',
      timeoutMs: 200,
    });
    await assert.rejects(
      impatient.listMessages(filter),
      (e: unknown) => e instanceof DependencyError && /timed out after 200 ms/.test(e.message),
    );
  });
});
