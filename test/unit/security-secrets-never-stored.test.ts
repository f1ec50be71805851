import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authenticatorFromEnv } from '../../lib/security/authenticate';
import { receiveWebhook } from '../../lib/ingest/receive-webhook';
import type { WebhookRequest } from '../../lib/http/webhook-request';
import { createLogger } from '../../lib/log';
import { createMetrics } from '../../lib/metrics';
import { answerSwmlFetch } from '../../lib/swml/answer-swml-fetch';

const SECRET = 'qs-Secr3t-value';
const BASIC = Buffer.from(`signalwire:pw-Secr3t-value`).toString('base64');
const env = { WEBHOOK_QUERY_SECRET: SECRET, WEBHOOK_BASIC_AUTH: 'signalwire:pw-Secr3t-value' };
const log = createLogger({ fn: 'test' }, 'silent');
const authenticate = authenticatorFromEnv(env, { log, metrics: createMetrics({ write: () => undefined }) });

function request(overrides: Partial<WebhookRequest>): WebhookRequest {
  return {
    routeKey: 'GET /swml',
    rawPath: '/swml',
    rawQueryString: '',
    pathParameters: {},
    headers: { host: '127.0.0.1:3000', authorization: `Basic ${BASIC}` },
    body: undefined,
    isBase64Encoded: false,
    sourceIp: '127.0.0.1',
    requestId: 'r-1',
    domainName: undefined,
    stage: undefined,
    ...overrides,
  };
}

/** Checks the secrets first, then strips them: nothing queued (and so stored, dead-lettered, archived or printed) holds one. */
describe('secrets are never stored', () => {
  it('REGRESSION: GET /swml?secret=… is answered, and its journal carries neither the query secret nor Basic credentials', async () => {
    // given a SWML fetch carrying both the query secret (in the middle, percent-encoded name) and Basic credentials
    const fetch = request({
      rawQueryString: `From=%2B15551230000&s%65cret=${SECRET}&To=%2B15559870000&CallSid=c-9&secret=${SECRET}`,
    });
    await authenticate(fetch, Buffer.alloc(0));
    // when it is answered
    const journaled: string[] = [];
    const document = await answerSwmlFetch(fetch, {
      loadRules: async () => undefined,
      journal: async (m) => void journaled.push(m),
      journalTimeoutMs: 300,
      rulesTimeoutMs: 300,
      log,
    });
    // then the answer is a document and the journal keeps the call's fields, without any secret
    assert.equal(document.version, '1.0.0');
    assert.equal(journaled.length, 1);
    const envelope = JSON.parse(journaled[0]!);
    assert.equal(envelope.body, 'From=%2B15551230000&To=%2B15559870000&CallSid=c-9');
    assert.deepEqual(envelope.payload, { From: '+15551230000', To: '+15559870000', CallSid: 'c-9' });
    assert.ok(
      !journaled[0]!.includes(SECRET) && !journaled[0]!.includes('pw-Secr3t') && !journaled[0]!.includes(BASIC),
    );
  });

  it('a refused secret is checked before anything is read: 401/403, nothing journaled', async () => {
    const fetch = request({ rawQueryString: 'From=%2B1555&secret=wrong' });
    await assert.rejects(
      authenticate(fetch, Buffer.alloc(0)),
      (e: unknown) =>
        (e as { statusCode?: number }).statusCode === 403 || (e as { statusCode?: number }).statusCode === 401,
    );
  });

  for (const route of [
    'POST /call-status',
    'POST /incoming-sms',
    'POST /message-status',
    'POST /video/events',
    'POST /swml',
  ]) {
    it(`${route}?secret=… with Basic credentials queues neither`, async () => {
      const delivery = request({
        routeKey: route,
        rawPath: route.split(' ')[1]!,
        rawQueryString: `secret=${SECRET}`,
        headers: { host: '127.0.0.1:3000', authorization: `Basic ${BASIC}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          call_id: 'c-1',
          call_state: 'ringing',
          message_id: 'm-1',
          status: 'sent',
          event: 'room.started',
          room_id: 'r-1',
        }),
      });
      const queued: string[] = [];
      await receiveWebhook(delivery, { authenticate, enqueue: async (m) => void queued.push(m) }).catch(
        async (error) => {
          // POST /swml is not an ingest route; it is journaled by answerSwmlFetch instead
          assert.equal(route, 'POST /swml', String(error));
          await answerSwmlFetch(delivery, {
            loadRules: async () => undefined,
            journal: async (m) => void queued.push(m),
            journalTimeoutMs: 300,
            rulesTimeoutMs: 300,
            log,
          });
        },
      );
      assert.equal(queued.length, 1);
      assert.ok(
        !queued[0]!.includes(SECRET) && !queued[0]!.includes(BASIC) && !queued[0]!.includes('pw-Secr3t'),
        queued[0],
      );
    });
  }
});
