import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { showMessage } from '../../cli/commands/messages';
import type { DeadLetter } from '../../lib/dlq/dead-letters';
import { MESSAGE_STATUSES, statusSupersedes } from '../../lib/messages/message-status';
import type { MessageStatusEvent } from '../../lib/messages/normalize-message-status';
import { createClaimStore } from '../../lib/store/claim-store';
import { createMessageStore } from '../../lib/store/message-store';
import { createDocumentClient, type TableRef } from '../../lib/store/table';
import { sdkDynamoDb } from '../../lib/aws/dynamodb-sdk-sender';
import { loadFixture, postFixture } from '../helpers/fixtures';
import { incomingSms, messageStatus } from '../helpers/message-events';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';

const MESSAGE_FIXTURES = [
  'incoming-sms-flat',
  'incoming-sms-cxml',
  'message-status-flat-delivered',
  'message-status-cxml-sent',
  'message-state-relay-undelivered',
];

describe('messages and delivery receipts (HTTP -> SQS -> worker -> DynamoDB, no SignalWire API configured)', {
  timeout: 120_000,
}, () => {
  let stack: TestStack;
  let dynamodb: DynamoDBClient;
  let table: TableRef;
  before(async () => {
    stack = await startTestStack({ environment: { NOTIFY_INBOUND_SMS: 'true' } });
    dynamodb = new DynamoDBClient({
      endpoint: stack.dynamodbEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    table = { client: createDocumentClient(sdkDynamoDb(dynamodb)), tableName: stack.tableName, retentionDays: 90 };
  });
  after(async () => {
    dynamodb?.destroy();
    await stack?.stop();
  });

  // `messages show` in this process for polling; the real bin is run once below for its --json output.
  const show = (id: string): Promise<any> => showMessage({ table }, id).catch(() => undefined);
  const shown = (id: string, ready: (m: any) => boolean = () => true) =>
    waitFor(
      async () => {
        const message = await show(id);
        return message !== undefined && ready(message) ? message : undefined;
      },
      10_000,
      `message ${id}`,
    );

  it('turns every message fixture into the right record, once, whatever the duplicates', async () => {
    // given each message fixture (three shapes, both routes), delivered twice, concurrently
    const responses = await Promise.all(
      MESSAGE_FIXTURES.flatMap((name) => [name, name]).map((name) => postFixture(stack.url, loadFixture(name))),
    );
    for (const response of responses) assert.equal(response.status, 200);

    // then the inbound flat JSON MMS is recorded with its media; HELP was not answered (no API here) and says so
    const flat = await shown('msg_00000001', (m) => m.auto_reply !== null);
    assert.equal(flat.direction, 'inbound');
    assert.equal(flat.status, 'received');
    assert.deepEqual([flat.from, flat.to, flat.body], ['+15559876543', '+15551234567', 'HELP']);
    assert.deepEqual(flat.media, ['https://example.com/image.jpg']);
    assert.equal(flat.segments, 1);
    assert.equal(flat.received_at, '2025-01-15T10:30:00.000Z');
    assert.deepEqual(flat.auto_reply, {
      keyword: 'HELP',
      status: 'skipped',
      reply_sid: null,
      reason: 'no SignalWire API configured',
      attempts: 0,
    });
    // and the cXML form one too: "status please" is the STATUS keyword
    const cxml = await shown('SM-0000-0001', (m) => m.auto_reply !== null);
    assert.deepEqual(
      [cxml.direction, cxml.from, cxml.body, cxml.media.length],
      ['inbound', '+15559876543', 'status please', 0],
    );
    assert.equal(cxml.auto_reply.keyword, 'STATUS');

    // and each receipt is a message with its status, time and error
    const delivered = await shown('msg_00000002');
    assert.equal(delivered.status, 'delivered');
    assert.deepEqual(delivered.timeline, [{ status: 'delivered', at: '2025-01-15T10:30:15.000Z' }]);
    assert.equal(delivered.error_code, null);
    const sent = await shown('SM-0000-0004');
    assert.deepEqual([sent.status, sent.from, sent.to], ['sent', '+15551234567', '+15559876543']);
    const undelivered = (await stack.cli(['messages', 'show', 'm-0000-0003'])).json;
    assert.equal(undelivered.message_id, 'm-0000-0003');
    assert.equal(undelivered.status, 'undelivered');
    assert.deepEqual([undelivered.error_code, undelivered.error_message], ['30003', 'Unreachable destination handset']);
    assert.deepEqual(undelivered.timeline, [{ status: 'undelivered', at: '2025-01-15T10:30:15.500Z' }]);

    // and each inbound message was forwarded once (logged here: no SNS topic locally)
    const claims = createClaimStore(table, 'NOTIFY#');
    for (const id of ['msg_00000001', 'SM-0000-0001']) {
      const claim = await waitFor(async () => claims.get(`message.inbound:${id}`), 10_000, 'notification claim');
      assert.equal(claim.status, 'published');
      assert.equal(claim.attempts, 1);
    }
  });

  it('keeps the highest status and a complete timeline whatever the order and duplicates', async () => {
    // given a message's receipts, each twice, the last one first
    const id = 'ordering-msg-1';
    const receipts: [string, string][] = [
      ['queued', '10:00:00'],
      ['sending', '10:00:01'],
      ['sent', '10:00:02'],
      ['delivered', '10:00:09'],
    ];
    const deliveries = [...receipts]
      .reverse()
      .flatMap(([status, at]) => [
        messageStatus(id, status, `2025-01-15T${at}Z`),
        messageStatus(id, status, `2025-01-15T${at}Z`),
      ]);
    // when they are delivered one after the other
    for (const delivery of deliveries) assert.equal((await postFixture(stack.url, delivery)).status, 200);
    // then the message is delivered, with every status once at its own time (cXML's `sending` is `initiated`)
    const message = await shown(id, (m) => m.timeline.length === 4);
    assert.equal(message.status, 'delivered');
    assert.deepEqual(message.timeline, [
      { status: 'queued', at: '2025-01-15T10:00:00.000Z' },
      { status: 'initiated', at: '2025-01-15T10:00:01.000Z' },
      { status: 'sent', at: '2025-01-15T10:00:02.000Z' },
      { status: 'delivered', at: '2025-01-15T10:00:09.000Z' },
    ]);
  });

  it('keeps a terminal status: a late sent or a second terminal status never replaces undelivered', async () => {
    const id = 'terminal-msg-1';
    await postFixture(stack.url, messageStatus(id, 'undelivered', '2025-01-15T10:00:05Z', { error_code: '30005' }));
    await shown(id);
    for (const status of ['sent', 'delivered'])
      await postFixture(stack.url, messageStatus(id, status, '2025-01-15T10:00:06Z'));
    const message = await shown(id, (m) => m.timeline.length === 3);
    assert.equal(message.status, 'undelivered');
    assert.equal(message.error_code, '30005');
  });

  it('records a message without a keyword and answers nothing', async () => {
    await postFixture(stack.url, incomingSms('no-keyword-1', '+15550001111', 'please help me'));
    const message = await shown('no-keyword-1');
    assert.equal(message.auto_reply, null);
    assert.equal(message.body, 'please help me');
  });

  it('dead-letters a receipt with an unknown status, with the reason', async () => {
    const response = await postFixture(stack.url, messageStatus('bad-status-1', 'exploded', '2025-01-15T10:00:00Z'));
    const { event_id } = (await response.json()) as { event_id: string };
    const dead = await waitFor(
      async () => ((await stack.cli(['dlq', 'list'])).json as DeadLetter[]).find((d) => d.event_id === event_id),
      10_000,
      'dead letter',
    );
    assert.equal(dead.failure_reason, 'message status: unknown status "exploded"');
    assert.equal(dead.failure_category, 'invalid');
  });

  it('agrees with statusSupersedes for every pair of statuses, in both orders (the store, on the emulator)', async () => {
    const store = createMessageStore(table);
    const event = (messageId: string, status: (typeof MESSAGE_STATUSES)[number], at: number): MessageStatusEvent => ({
      messageId,
      status,
      rawStatus: status,
      occurredAt: at,
      shape: 'flat',
    });
    const pairs = MESSAGE_STATUSES.flatMap((first) => MESSAGE_STATUSES.map((second) => [first, second] as const));
    await Promise.all(
      pairs.map(async ([first, second]) => {
        const id = `pair-${first}-${second}`;
        for (const [status, at] of [
          [first, 1],
          [second, 2],
        ] as const) {
          if (!(await store.advance(event(id, status, at)))) await store.recordLate(event(id, status, at));
        }
        const expected = statusSupersedes(second, first) ? second : first;
        assert.equal((await store.get(id))?.status, expected, `${first} then ${second}`);
      }),
    );
  });
});
