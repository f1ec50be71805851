import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { verifySignalWireSignature } from '../../lib/security/signature';
import { startFakeSignalWire, type FakeSignalWire } from '../helpers/fake-signalwire';
import { scriptedServer } from '../helpers/scripted-server';
import { createSignalWireSender, type SignalWireSender } from '../helpers/signalwire-sender';
import { waitFor } from '../helpers/wait';

const ACCOUNT = '/api/laml/2010-04-01/Accounts/p-1';
const SIGNING_KEY = 'PSK_sender_test_key_0123456789';

/**
 * The stand-in SignalWire REST API the reconciler asks (test/helpers/fake-signalwire*.ts): call and message records
 * tests set and move, read through the Compatibility API and the voice and messaging logs, prices that appear late,
 * 404s and 429s in SignalWire's shapes; and the webhook sender that plays SignalWire's retries.
 */
describe('the fake SignalWire REST API: call and message records', () => {
  let fake: FakeSignalWire;
  const get = async (path: string) => {
    const response = await fetch(`${fake.url}${path}`, {
      headers: { authorization: `Basic ${Buffer.from('p-1:PT_token').toString('base64')}` },
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  };
  before(async () => {
    fake = await startFakeSignalWire();
    fake.requireToken('PT_token');
  });
  after(() => fake?.close());
  beforeEach(() => {
    fake.pageSize = 50;
  });

  it('answers a call a test set in the Compatibility API shape, and follows it as the test moves it', async () => {
    // given a call ringing
    const start = Date.parse('2025-01-15T10:30:00Z');
    fake.setCall({ sid: 'CA-1', from: '+15550001111', to: '+15551234567', status: 'ringing', startTime: start });
    // when it is asked for
    const ringing = await get(`${ACCOUNT}/Calls/CA-1.json`);
    // then Twilio's resource: RFC 2822 times, no end, duration or price yet
    assert.equal(ringing.status, 200);
    assert.deepEqual(
      [ringing.body.sid, ringing.body.account_sid, ringing.body.status, ringing.body.direction],
      ['CA-1', 'p-1', 'ringing', 'inbound'],
    );
    assert.equal(ringing.body.start_time, 'Wed, 15 Jan 2025 10:30:00 +0000');
    assert.deepEqual([ringing.body.end_time, ringing.body.duration, ringing.body.price], [null, null, null]);
    assert.equal(ringing.body.price_unit, 'USD');
    // when it ends and SignalWire prices it
    fake.updateCall('CA-1', {
      status: 'completed',
      endTime: start + 42_000,
      duration: 42,
      price: 0.0065,
    });
    const completed = (await get(`${ACCOUNT}/Calls/CA-1.json`)).body;
    assert.deepEqual(
      [completed.status, completed.end_time, completed.duration, completed.price],
      ['completed', 'Wed, 15 Jan 2025 10:30:42 +0000', '42', '-0.00650'],
    );
  });

  it('shows a price only some time after the end (priceAfterMs), or once a test sets it', async () => {
    // given a call priced 300 ms after it ends, still in progress
    fake.setCall({
      sid: 'CA-late',
      from: '+1',
      to: '+2',
      status: 'in-progress',
      price: '-0.0130',
      priceAfterMs: 300,
    });
    assert.equal((await get(`${ACCOUNT}/Calls/CA-late.json`)).body.price, null, 'no price while in progress');
    // when it ends
    fake.updateCall('CA-late', { status: 'completed', duration: 90 });
    // then the price is still null at first, and there a little later
    assert.equal((await get(`${ACCOUNT}/Calls/CA-late.json`)).body.price, null, 'no price right after the end');
    const priced = await waitFor(
      async () => (await get(`${ACCOUNT}/Calls/CA-late.json`)).body.price ?? undefined,
      5_000,
      'the late price',
    );
    assert.equal(priced, '-0.0130');
    // and a reply created through POST Messages.json is readable by sid and moved by the test
    const form = new URLSearchParams({ From: '+15551234567', To: '+15550002222', Body: 'hi' });
    const sent = await fetch(`${fake.url}${ACCOUNT}/Messages.json`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('p-1:PT_token').toString('base64')}` },
      body: form,
    });
    const { sid } = (await sent.json()) as { sid: string };
    const created = (await get(`${ACCOUNT}/Messages/${sid}.json`)).body;
    assert.deepEqual(
      [created.status, created.direction, created.body, created.price],
      ['sent', 'outbound-api', 'hi', null],
    );
    fake.updateMessage(sid, { status: 'delivered', price: 0.0079 });
    const moved = (await get(`${ACCOUNT}/Messages/${sid}.json`)).body;
    assert.deepEqual([moved.status, moved.price, moved.price_unit], ['delivered', '-0.00790', 'USD']);
    assert.equal(fake.created.find((m) => m.sid === sid)?.status, 'delivered', 'fake.created follows');
  });

  it("answers 404 in each API's shape for what it does not know, or no longer knows", async () => {
    const compat = await get(`${ACCOUNT}/Calls/CA-nobody.json`);
    assert.equal(compat.status, 404);
    assert.equal(compat.body.code, 20404);
    assert.match(compat.body.message, /The requested resource .*CA-nobody\.json was not found/);
    fake.setMessage({ sid: 'SM-gone', from: '+1', to: '+2', status: 'delivered' });
    assert.equal((await get(`${ACCOUNT}/Messages/SM-gone.json`)).status, 200);
    fake.forget('SM-gone');
    assert.equal((await get(`${ACCOUNT}/Messages/SM-gone.json`)).status, 404);
    const logs = await get('/api/voice/logs/seg-nobody');
    assert.equal(logs.status, 404);
    assert.equal(logs.body.errors[0].code, 'not_found');
    // a RELAY call is not in the Compatibility API, nor a cXML call in the voice logs
    fake.setCall({ sid: 'relay-1', segmentId: 'seg-1', api: 'voice-logs', from: '+1', to: '+2', status: 'ringing' });
    assert.equal((await get(`${ACCOUNT}/Calls/relay-1.json`)).status, 404);
    assert.equal((await get('/api/voice/logs/CA-1')).status, 404);
  });

  it('answers the next requests 429 with Retry-After and counts them', async () => {
    // given two requests rate limited for 7 seconds
    const counted = fake.rateLimited;
    fake.rateLimitNext(2, 7);
    // when three are made
    const first = await get(`${ACCOUNT}/Calls/CA-1.json`);
    const second = await get('/api/voice/logs/seg-1');
    const third = await get(`${ACCOUNT}/Calls/CA-1.json`);
    // then the first two are refused in each API's shape, the third answered
    assert.deepEqual([first.status, first.headers.get('retry-after'), first.body.code], [429, '7', 20429]);
    assert.deepEqual([second.status, second.headers.get('retry-after')], [429, '7']);
    assert.equal(second.body.errors[0].code, 'too_many_requests');
    assert.equal(third.status, 200);
    assert.equal(fake.rateLimited - counted, 2);
  });

  it('lists calls from a day on (StartTime>=), newest first, in pages linked by next_page_uri', async () => {
    // given five calls on two days for one number, and a RELAY call the Compatibility API does not list
    const day = (d: number, h: number) => Date.UTC(2025, 1, d, h);
    const calls = [
      ['CA-p1', day(10, 9)],
      ['CA-p2', day(11, 9)],
      ['CA-p3', day(11, 10)],
      ['CA-p4', day(11, 11)],
      ['CA-p5', day(12, 8)],
    ] as const;
    for (const [sid, startTime] of calls)
      fake.setCall({ sid, from: '+15559990000', to: '+15551234567', status: 'completed', startTime, duration: 5 });
    fake.setCall({ sid: 'relay-p', api: 'voice-logs', from: '+15559990000', to: '+1', status: 'completed' });
    // when listed from the 11th in pages of 2 (the query string `StartTime>=2025-02-11`)
    const seen: string[] = [];
    let path: string | null = `${ACCOUNT}/Calls.json?StartTime>=2025-02-11&From=%2B15559990000&PageSize=2`;
    let pages = 0;
    while (path !== null) {
      const page = await get(path);
      assert.equal(page.status, 200);
      assert.ok(page.body.calls.length <= 2);
      seen.push(...page.body.calls.map((c: { sid: string }) => c.sid));
      path = page.body.next_page_uri;
      pages += 1;
    }
    // then the four from the 11th, newest first, over two pages
    assert.deepEqual(seen, ['CA-p5', 'CA-p4', 'CA-p3', 'CA-p2']);
    assert.equal(pages, 2);
    // and the fake's page size caps PageSize
    fake.pageSize = 1;
    const capped = await get(`${ACCOUNT}/Calls.json?StartTime>=2025-02-11&From=%2B15559990000&PageSize=50`);
    assert.equal(capped.body.calls.length, 1);
  });

  it('lists messages a test set along with the ones it created, with the existing filters', async () => {
    fake.setMessage({
      sid: 'SM-in',
      from: '+15557770000',
      to: '+15551234567',
      status: 'received',
      body: 'STATUS',
      dateSent: Date.UTC(2025, 2, 1),
    });
    fake.setMessage({ sid: 'SM-queued', from: '+15557770000', to: '+15551234567', status: 'queued' });
    const all = await get(`${ACCOUNT}/Messages.json?From=%2B15557770000`);
    assert.deepEqual(
      all.body.messages.map((m: { sid: string }) => m.sid),
      ['SM-queued', 'SM-in'],
    );
    const sent = await get(`${ACCOUNT}/Messages.json?From=%2B15557770000&DateSent>=2025-03-01`);
    assert.deepEqual(
      sent.body.messages.map((m: { sid: string; body: string }) => [m.sid, m.body]),
      [['SM-in', 'STATUS']],
    );
  });

  it('answers RELAY calls from the voice logs by segment id and RELAY messages from the messaging logs', async () => {
    fake.setCall({
      sid: 'relay-call-2',
      segmentId: 'seg-2',
      api: 'voice-logs',
      from: '+15550003333',
      to: '+15551234567',
      status: 'completed',
      duration: 42,
      price: 0.0084,
    });
    const log = (await get('/api/voice/logs/seg-2')).body;
    assert.deepEqual(
      [log.id, log.status, log.duration, log.duration_ms, log.charge, log.source, log.type],
      ['seg-2', 'completed', 42, 42_000, 0.0084, 'realtime_api', 'relay_pstn_call'],
    );
    assert.match(log.created_at, /^\d{4}-\d\d-\d\dT/);
    fake.setMessage({ sid: 'relay-msg', api: 'messaging-logs', from: '+1', to: '+2', status: 'delivered' });
    const message = (await get('/api/messaging/logs/relay-msg')).body;
    assert.deepEqual(
      [message.id, message.status, message.kind, message.charge, message.number_of_segments],
      ['relay-msg', 'delivered', 'sms', null, 1],
    );
    assert.equal((await get(`${ACCOUNT}/Messages/relay-msg.json`)).status, 404);
  });
});

describe("the SignalWire webhook sender: signed callbacks, SignalWire's retries, and the fake's record in step", () => {
  const ok = (response: ServerResponse) => response.writeHead(200).end();
  const failing = (response: ServerResponse) => response.writeHead(503).end();
  const hanging = () => {};

  it('retries a 5xx and a timeout with a growing delay, and gives up after the last attempt', async () => {
    const { url, seen, server } = await scriptedServer([failing, hanging, ok]);
    try {
      const sender: SignalWireSender = createSignalWireSender({
        baseUrl: url,
        signingKey: SIGNING_KEY,
        retryDelayMs: 20,
        timeoutMs: 200,
      });
      const fake = await startFakeSignalWire();
      try {
        // when a call's two states are sent: the first meets a 503, then a hang, then 200
        const results = await sender.callLifecycle(fake, { sid: 'CA-send', from: '+15550004444', to: '+15551234567' }, [
          { status: 'ringing' },
          { status: 'completed', duration: 12, at: Date.UTC(2025, 0, 15, 10, 31) },
        ]);
        // then the first got through on its third try, the second on its first
        assert.deepEqual(
          results.map((r) => [r.delivered, r.attempts, r.lastStatus]),
          [
            [true, 3, 200],
            [true, 1, 200],
          ],
        );
        // signed for the URL, as a cXML form
        const last = seen.at(-1)!;
        const fields = Object.fromEntries(new URLSearchParams(last.body));
        assert.deepEqual(
          [fields.CallSid, fields.CallStatus, fields.CallDuration, fields.Timestamp],
          ['CA-send', 'completed', '12', 'Wed, 15 Jan 2025 10:31:00 +0000'],
        );
        const verdict = verifySignalWireSignature(
          {
            url: `${url}/call-status`,
            rawBody: Buffer.from(last.body),
            contentType: last.headers['content-type'],
            headers: last.headers as Record<string, string>,
          },
          [SIGNING_KEY],
        );
        assert.equal(verdict.ok, true);
        // and the fake API knows what SignalWire tried to tell
        assert.deepEqual([fake.getCall('CA-send')?.status, fake.getCall('CA-send')?.duration], ['completed', 12]);
      } finally {
        await fake.close();
      }
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('gives up after maxAttempts, does not retry a 4xx, and can lose a state on purpose', async () => {
    const { url, seen, server } = await scriptedServer([failing]);
    const refusing = await scriptedServer([(response) => response.writeHead(401).end()]);
    try {
      const fake = await startFakeSignalWire();
      try {
        const sender = createSignalWireSender({ baseUrl: url, retryDelayMs: 5, maxAttempts: 3 });
        const message = { sid: 'SM-send', from: '+15551234567', to: '+15550005555' };
        const results = await sender.messageLifecycle(fake, message, [
          { status: 'sent', deliver: false },
          { status: 'delivered', price: 0.0079 },
        ]);
        assert.deepEqual(
          results.map((r) => [r.delivered, r.attempts, r.lastStatus]),
          [
            [false, 0, 'skipped'],
            [false, 3, 503],
          ],
        );
        assert.equal(seen.length, 3);
        assert.equal(fake.getMessage('SM-send')?.status, 'delivered');
        const refused = await createSignalWireSender({ baseUrl: refusing.url, retryDelayMs: 5 }).messageStatus(
          fake.getMessage('SM-send')!,
        );
        assert.deepEqual([refused.delivered, refused.attempts, refused.lastStatus], [false, 1, 401]);
      } finally {
        await fake.close();
      }
    } finally {
      server.close();
      refusing.server.close();
    }
  });
});
