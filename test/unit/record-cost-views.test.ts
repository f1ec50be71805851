import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readableCall } from '../../cli/commands/calls';
import { readableMessage } from '../../cli/commands/messages';
import { readableStats } from '../../cli/commands/stats';
import { feedRow } from '../../console/views/feed';
import { callDetail } from '../../console/views/call';
import { messageDetail } from '../../console/views/message';
import { recordList } from '../../console/views/records';
import { statsSection } from '../../console/views/stats';
import type { CallRecord } from '../../lib/calls/call-record';
import type { MessageRecord } from '../../lib/messages/message-record';
import { addCost, formatCost } from '../../lib/stats/cost';
import { summarizeStats } from '../../lib/stats/summarize-stats';
import { costOf } from '../../lib/store/record-cost';

const NO_COST = { price: null, price_unit: null, reconcile: null, reconcile_reason: null, reconciled_at: null };

const call = (fields: Partial<CallRecord> = {}): CallRecord => ({
  call_id: 'c-1',
  state: 'ended',
  timeline: [
    { state: 'answered', at: '2025-01-15T10:00:00.000Z' },
    { state: 'ended', at: '2025-01-15T10:01:00.000Z' },
  ],
  duration_seconds: 60,
  ...NO_COST,
  first_seen_at: '2025-01-15T10:00:00.100Z',
  updated_at: '2025-01-15T10:01:00.100Z',
  ...fields,
});

const message = (fields: Partial<MessageRecord> = {}): MessageRecord => ({
  message_id: 'm-1',
  direction: 'outbound',
  status: 'delivered',
  from: '+15551230000',
  to: '+15559870000',
  body: 'hi',
  media: [],
  segments: 1,
  received_at: null,
  timeline: [{ status: 'delivered', at: '2025-01-15T10:00:00.000Z' }],
  error_code: null,
  error_message: null,
  in_reply_to: null,
  ...NO_COST,
  first_seen_at: '2025-01-15T10:00:00.100Z',
  updated_at: '2025-01-15T10:01:00.100Z',
  ...fields,
});

describe('cost and reconcile marks where operators read calls and messages', () => {
  it('reads the attributes off a stored item, null for each one absent', () => {
    assert.deepEqual(costOf({}), NO_COST);
    assert.deepEqual(
      costOf({
        price: 0.0065,
        price_unit: 'USD',
        reconcile: 'unknown',
        reconcile_reason: 'not found at SignalWire',
        reconciled_at: '2025-01-15T10:20:00.000Z',
      }),
      {
        price: 0.0065,
        price_unit: 'USD',
        reconcile: 'unknown',
        reconcile_reason: 'not found at SignalWire',
        reconciled_at: '2025-01-15T10:20:00.000Z',
      },
    );
    assert.equal(costOf({ price: '0.0065', reconcile: 'other' }).price, null);
  });

  it('adds prices per unit, without float noise, and never two units together', () => {
    const totals = {};
    for (let i = 0; i < 3; i++) addCost(totals, 0.1, 'USD');
    addCost(totals, 0.5, 'EUR');
    assert.equal(addCost(totals, null, 'USD'), false);
    assert.deepEqual(totals, { USD: 0.3, EUR: 0.5 });
    assert.equal(formatCost(totals), '0.3 USD, 0.5 EUR');
    assert.equal(formatCost({}), '');
  });

  it('`calls show` prints the price where it stood, `pending` once ended, and the reconciler marks', () => {
    const priced = readableCall(call({ price: 0.0065, price_unit: 'USD', reconciled_at: '2025-01-15T10:20:00.000Z' }));
    assert.equal(priced.price, '0.0065 USD');
    assert.equal(priced['reconciled at'], '2025-01-15T10:20:00.000Z');
    assert.equal(priced.price_unit, undefined);
    assert.deepEqual(Object.keys(priced), [
      'call_id',
      'state',
      'timeline',
      'duration_seconds',
      'price',
      'reconciled at',
      'first_seen_at',
      'updated_at',
    ]);
    assert.equal(readableCall(call()).price, 'pending');
    assert.equal(readableCall(call({ state: 'answered' })).price, undefined, 'no price line while it is going on');
    const unknown = readableCall(
      call({ state: 'answered', reconcile: 'unknown', reconcile_reason: 'not found at SignalWire' }),
    );
    assert.equal(unknown.reconcile, 'unknown (not found at SignalWire)');
    assert.equal(unknown.price, 'unknown');
  });

  it('`messages show` prints `pending` once sent or received, nothing while queued', () => {
    assert.equal(readableMessage(message({ status: 'sent' })).price, 'pending');
    assert.equal(readableMessage(message({ direction: 'inbound', status: 'received' })).price, 'pending');
    assert.equal(readableMessage(message({ status: 'queued' })).price, undefined);
    assert.equal(readableMessage(message({ price: 0.0079, price_unit: 'USD' })).price, '0.0079 USD');
  });

  it('`stats` prints a row per day with the cost per unit', () => {
    const window = { since: '2025-01-15T00:00:00.000Z', until: '2025-01-16T00:00:00.000Z' };
    const summary = summarizeStats(
      {
        call: [{ first_seen_at: '2025-01-15T10:00:00.000Z', price: 0.0065, price_unit: 'USD' }],
        message: [{ first_seen_at: '2025-01-15T11:00:00.000Z' }],
        room: [],
        swml: [],
      },
      window,
    );
    const readable = readableStats(summary);
    assert.equal(readable.calls.cost, '0.0065 USD');
    assert.equal(readable.messages.cost, '–');
    assert.deepEqual(readable['cost per day (first seen, UTC)'], [
      {
        day: '2025-01-15',
        calls: 1,
        'calls priced': 1,
        'call cost': '0.0065 USD',
        messages: 1,
        'messages priced': 0,
        'message cost': '',
      },
    ]);
    const section = statsSection(summary, 24).text;
    assert.match(section, /id="cost-by-day"/);
    assert.match(section, /0\.0065 USD/);
  });

  it('the console shows the price on calls and messages and marks what the reconciler filed', () => {
    const detail = callDetail(
      call({ price: 0.0065, price_unit: 'USD', reconciled_at: '2025-01-15T10:20:00.000Z' }),
    ).text;
    assert.match(detail, /<dt>price<\/dt><dd>0\.0065 USD<\/dd>/);
    assert.match(detail, /class="tag reconciled"/);
    assert.match(messageDetail(message({ status: 'sent' })).text, /<dt>price<\/dt><dd>pending<\/dd>/);
    const list = recordList('calls', 'Calls', [
      { id: 'c-1', first_seen_at: '2025-01-15T10:00:00.000Z', state: 'ended', price: 0.0065, price_unit: 'USD' },
    ]).text;
    assert.match(list, /<th>price<\/th>/);
    assert.match(list, /0\.0065 USD/);
    assert.doesNotMatch(recordList('rooms', 'Rooms', []).text, /<th>price<\/th>/);
    const entry = {
      event_id: 'e1',
      kind: 'call.status',
      route: 'reconcile',
      received_at: '2026-01-01T00:00:00Z',
      processed_at: '2026-01-01T00:00:01Z',
      status: 'applied' as const,
      outcome: 'advanced',
      attempts: 1,
    };
    assert.match(feedRow({ ...entry, source: 'reconcile' }, 1).text, /class="feed-row reconciled"[\s\S]*>reconciled</);
    assert.doesNotMatch(feedRow(entry, 1).text, /reconciled/);
  });
});
