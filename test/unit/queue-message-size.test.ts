import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientError } from '../../lib/errors';
import { MAX_BODY_BYTES } from '../../lib/http/request-body';
import { receiveWebhook } from '../../lib/ingest/receive-webhook';
import type { WebhookRequest } from '../../lib/http/webhook-request';
import { deadLetterAttributes } from '../../lib/queue/dead-letter-queue';
import {
  DEAD_LETTER_ATTRIBUTES_MAX_BYTES,
  MAX_QUEUED_BODY_BYTES,
  SQS_MAX_MESSAGE_BYTES,
  sqsMessageBytes,
} from '../../lib/queue/message-size';
import { queuedMessageBody } from '../../lib/queue/webhook-queue';

const request = (body: string): WebhookRequest => ({
  routeKey: 'POST /incoming-sms',
  rawPath: '/incoming-sms',
  rawQueryString: '',
  pathParameters: {},
  headers: { 'content-type': 'application/json', 'user-agent': 'u'.repeat(1000) },
  body,
  isBase64Encoded: false,
  sourceIp: '2001:db8::1',
  requestId: 'r'.repeat(64),
  domainName: 'abc.execute-api.us-east-1.amazonaws.com',
  stage: '$default',
});

describe('queued message size (1 MiB queues; a dead letter with its reason always fits)', () => {
  it('counts the exact bytes queued: U+FFFE and U+FFFF are escaped to 6 bytes before the limit is checked', () => {
    const fits = 'a'.repeat(MAX_QUEUED_BODY_BYTES);
    assert.equal(queuedMessageBody(fits), fits);
    assert.equal(queuedMessageBody(`${fits}a`), undefined);
    // 3 bytes raw, 6 escaped: half the limit in raw bytes is already too much
    const special = `"${'\ufffe'.repeat(Math.ceil(MAX_QUEUED_BODY_BYTES / 6))}"`;
    assert.ok(Buffer.byteLength(special) < MAX_QUEUED_BODY_BYTES);
    assert.equal(queuedMessageBody(special), undefined);
  });

  it('REGRESSION: answers 413 to a body full of U+FFFE that doubles when escaped, instead of a 503 SQS would cause forever', async () => {
    // given the largest JSON body the ingest takes, made of U+FFFE: under every limit before escaping
    const n = Math.floor((MAX_BODY_BYTES - 8) / 3);
    const body = `{"t":"${'\ufffe'.repeat(n)}"}`;
    assert.ok(Buffer.byteLength(body) <= MAX_BODY_BYTES);
    assert.ok(
      2 * Buffer.byteLength(body) + 2_000 < SQS_MAX_MESSAGE_BYTES,
      'the envelope (body and payload) fitted before escaping',
    );
    // when it is received, then it is refused as too large and nothing is queued
    const queued: string[] = [];
    await assert.rejects(
      receiveWebhook(request(body), { enqueue: async (message) => void queued.push(message) }),
      (error: unknown) => error instanceof ClientError && error.statusCode === 413,
    );
    assert.deepEqual(queued, []);
  });

  it('queues a large delivery that fits, escaped, and within the limit', async () => {
    const body = `{"t":"${'\ufffe'.repeat(40_000)}"}`;
    const queued: string[] = [];
    await receiveWebhook(request(body), { enqueue: async (message) => void queued.push(message) });
    assert.equal(queued.length, 1);
    assert.ok(!queued[0]!.includes('\ufffe'), 'escaped for SQS');
    assert.ok(sqsMessageBytes(queued[0]!) <= MAX_QUEUED_BODY_BYTES);
  });

  it("bounds a dead letter's reason attributes, worst case included, by the room the ingest leaves", () => {
    const worst = deadLetterAttributes({
      reason: '\u0800\ud800'.repeat(5_000),
      category: 'exhausted',
      attempts: Number.MAX_SAFE_INTEGER,
      sourceMessageId: 'm'.repeat(1_000),
    });
    const bytes = sqsMessageBytes('', worst);
    assert.ok(bytes <= DEAD_LETTER_ATTRIBUTES_MAX_BYTES, `${bytes} bytes`);
    assert.ok(sqsMessageBytes('x'.repeat(MAX_QUEUED_BODY_BYTES), worst) <= SQS_MAX_MESSAGE_BYTES);
  });
});
