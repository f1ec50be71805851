import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { MessageStatus } from '../../lib/messages/message-status';
import type { IncomingMessage } from '../../lib/messages/normalize-incoming-message';
import type { MessageStatusEvent } from '../../lib/messages/normalize-message-status';
import { createMessageStore } from '../../lib/store/message-store';
import { startTable } from '../helpers/dynamodb-table';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const receipt = (messageId: string, status: MessageStatus, second: number): MessageStatusEvent => ({ messageId, status, rawStatus: status, occurredAt: T0 + second * 1000, shape: 'flat' });
const inbound = (messageId: string, body: string): IncomingMessage => ({ messageId, from: '+15550000001', to: '+15550000002', body, mediaUrls: [], segments: 1, occurredAt: T0, shape: 'flat' });
const wins = (results: boolean[]) => results.filter(Boolean).length;

describe('message store: the races its conditional writes close (DynamoDB emulator)', () => {
  let store: ReturnType<typeof createMessageStore>;
  let stop: () => Promise<void>;
  before(async () => {
    const started = await startTable();
    stop = started.stop;
    store = createMessageStore(started.table);
  });
  after(() => stop?.());

  it('recordInbound: the same inbound message processed twice at once lands once', async () => {
    // given one inbound message, when two workers record it at once (the second copy differs to show who won)
    const messageId = randomUUID();
    const results = await Promise.all([store.recordInbound(inbound(messageId, 'first')), store.recordInbound(inbound(messageId, 'second'))]);
    // then exactly one write landed and the record is that one's
    assert.equal(wins(results), 1);
    assert.equal((await store.get(messageId))?.body, results[0] ? 'first' : 'second');
  });

  it('advance: two receipts at once, either order, end on the later status; a terminal status stays', async () => {
    for (const order of [['sent', 'delivered'], ['delivered', 'sent']] as const) {
      const messageId = randomUUID();
      await Promise.all(order.map((status, i) => store.advance(receipt(messageId, status, i))));
      assert.equal((await store.get(messageId))?.status, 'delivered');
    }
    // given a delivered message, when a different terminal status arrives after it, then it loses
    const messageId = randomUUID();
    assert.equal(await store.advance(receipt(messageId, 'delivered', 1)), true);
    assert.equal(await store.advance(receipt(messageId, 'failed', 2)), false);
    assert.equal((await store.get(messageId))?.status, 'delivered');
  });

  it('advance: the same receipt applied twice at once moves the message once', async () => {
    const messageId = randomUUID();
    const results = await Promise.all([store.advance(receipt(messageId, 'sent', 1)), store.advance(receipt(messageId, 'sent', 1))]);
    assert.equal(wins(results), 1);
  });

  it('recordLate: one late receipt delivered twice at once is recorded once, into the timeline only', async () => {
    const messageId = randomUUID();
    await store.advance(receipt(messageId, 'delivered', 5));
    const results = await Promise.all([store.recordLate(receipt(messageId, 'sent', 1)), store.recordLate(receipt(messageId, 'sent', 1))]);
    assert.equal(wins(results), 1);
    const message = await store.get(messageId);
    assert.equal(message?.status, 'delivered');
    assert.deepEqual(message?.timeline.map((step) => step.status), ['sent', 'delivered']);
  });

  it('recordOutbound (no condition): a receipt that raced ahead of it keeps its higher status', async () => {
    const messageId = randomUUID();
    await store.advance(receipt(messageId, 'delivered', 5));
    await store.recordOutbound({ messageId, from: '+15550000002', to: '+15550000001', body: 'thanks', inReplyTo: 'in-1', queuedAt: T0 });
    const message = await store.get(messageId);
    assert.equal(message?.status, 'delivered');
    assert.equal(message?.direction, 'outbound');
  });
});
