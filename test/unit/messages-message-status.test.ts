import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MESSAGE_STATUSES,
  canonicalMessageStatus,
  isTerminal,
  statusRank,
  statusSupersedes,
} from '../../lib/messages/message-status';

describe('message status ranks', () => {
  it('orders outbound statuses queued < initiated < sent < terminal', () => {
    assert.ok(statusRank('queued') < statusRank('initiated'));
    assert.ok(statusRank('initiated') < statusRank('sent'));
    for (const terminal of ['delivered', 'undelivered', 'failed'] as const) {
      assert.ok(statusRank('sent') < statusRank(terminal));
      assert.equal(isTerminal(terminal), true);
    }
  });

  it('orders inbound statuses receiving < received', () => {
    assert.ok(statusRank('receiving') < statusRank('received'));
    assert.equal(isTerminal('received'), true);
    assert.equal(isTerminal('receiving'), false);
  });

  it('never lets a late sent overwrite delivered', () => {
    // given a message already delivered, when a late 'sent' arrives, then it does not replace it
    assert.equal(statusSupersedes('sent', 'delivered'), false);
    assert.equal(statusSupersedes('delivered', 'sent'), true);
  });

  it('drops duplicates and keeps the first terminal status', () => {
    assert.equal(statusSupersedes('sent', 'sent'), false);
    assert.equal(statusSupersedes('failed', 'delivered'), false);
    assert.equal(statusSupersedes('queued', undefined), true);
  });

  it('does not treat an MMS that stopped at sent as finished', () => {
    assert.equal(isTerminal('sent'), false);
  });

  it('maps every word of the three shapes, case-insensitively, and nothing else', () => {
    const table: Array<[string, string | undefined]> = [
      ['queued', 'queued'],
      ['initiated', 'initiated'],
      ['sending', 'initiated'],
      ['SENT', 'sent'],
      ['delivered', 'delivered'],
      ['undelivered', 'undelivered'],
      ['failed', 'failed'],
      ['receiving', 'receiving'],
      ['received', 'received'],
      ['accepted', 'queued'],
      ['toString', undefined],
      ['__proto__', undefined],
      ['', undefined],
      ['délivré', undefined],
    ];
    for (const [raw, expected] of table) assert.equal(canonicalMessageStatus(raw), expected, raw);
  });

  it('lists each canonical status once', () => {
    assert.equal(new Set(MESSAGE_STATUSES).size, 8);
  });
});
