import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archiveEntryOf, statusOfOutcome } from '../../lib/archive/archive-entry';
import { ARCHIVE_SHARDS, archiveDayPartitions, archiveDays, archivePartition } from '../../lib/archive/archive-index';
import { replayEnvelope } from '../../lib/archive/replay-archive';
import { createEnvelope } from '../../lib/envelope/envelope';

const callEnvelope = (body: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  createEnvelope(
    { kind: 'call.status', route: 'POST /call-status', content_type: 'json', body, payload, headers },
    new Date('2026-01-02T03:04:05.000Z'),
  );

describe('archive entries', () => {
  it('maps every use case outcome onto applied, late or duplicate', () => {
    for (const applied of ['advanced', 'applied', 'member-counted', 'recorded', 'recorded; HELP sent; forwarded'])
      assert.equal(statusOfOutcome(applied), 'applied');
    for (const late of ['recorded-late', 'member-recorded-uncounted']) assert.equal(statusOfOutcome(late), 'late');
    for (const duplicate of ['duplicate', 'duplicate; no keyword; not forwarded'])
      assert.equal(statusOfOutcome(duplicate), 'duplicate');
  });

  it('keeps the exact body, the natural key and the verdict, and never a credential header', () => {
    const body = '{ "call_id" : "c-9", "call_state":"ended" }';
    const envelope = callEnvelope(
      body,
      { call_id: 'c-9', call_state: 'ended' },
      { authorization: 'Basic c2VjcmV0', 'x-signalwire-signature': 'abc', 'user-agent': 'SignalWire' },
    );
    const entry = archiveEntryOf(
      envelope,
      { status: 'applied', outcome: 'advanced', attempts: 1 },
      new Date('2026-01-02T03:04:06.000Z'),
    );
    assert.equal(entry.body, body);
    assert.equal(entry.natural_key, 'call:c-9:ended');
    assert.equal(entry.processed_at, '2026-01-02T03:04:06.000Z');
    assert.deepEqual(entry.headers, {
      authorization: '[redacted]',
      'x-signalwire-signature': '[redacted]',
      'user-agent': 'SignalWire',
    });
  });

  it('files an invalid payload without a natural key (it was dead-lettered with its reason)', () => {
    const entry = archiveEntryOf(callEnvelope('{}', {}), {
      status: 'dead-lettered',
      outcome: 'invalid',
      reason: 'no call id',
      attempts: 1,
    });
    assert.equal(entry.natural_key, undefined);
    assert.equal(entry.reason, 'no call id');
  });

  it('spans the UTC days a range touches, each day spread over its index shards', () => {
    assert.deepEqual(archiveDays('2026-02-27T23:00:00Z', '2026-03-01T00:10:00Z'), [
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
    ]);
    const day = archiveDayPartitions('2026-03-01T00:10:00.000Z');
    assert.equal(day.length, ARCHIVE_SHARDS);
    assert.ok(day.every((partition) => partition.startsWith('ARCHIVE#2026-03-01#')));
    // An event's verdicts always land in the same shard of the day; many events spread over all of them.
    assert.equal(
      archivePartition('2026-03-01T00:10:00.000Z', 'evt-1'),
      archivePartition('2026-03-01T23:59:59.000Z', 'evt-1'),
    );
    const used = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const partition = archivePartition('2026-03-01T00:10:00.000Z', `evt-${i}`);
      assert.ok(day.includes(partition), partition);
      used.set(partition, (used.get(partition) ?? 0) + 1);
    }
    assert.equal(used.size, ARCHIVE_SHARDS);
    // No shard takes much more than its share: the point is to stay under one index partition's 1,000 writes/s.
    assert.ok(Math.max(...used.values()) < 1.5 * (1000 / ARCHIVE_SHARDS), JSON.stringify([...used]));
  });

  it('replays an entry as a new envelope whose payload is parsed again from the archived bytes', () => {
    const form = 'CallSid=CA1&CallStatus=completed&CallDuration=42';
    const envelope = createEnvelope({
      kind: 'call.status',
      route: 'POST /call-status',
      content_type: 'form',
      body: form,
      payload: { CallSid: 'CA1', CallStatus: 'completed', CallDuration: '42' },
      headers: {},
    });
    const entry = archiveEntryOf(envelope, { status: 'applied', outcome: 'advanced', attempts: 1 });
    const replayed = replayEnvelope(entry, 'new-id');
    assert.deepEqual(replayed.payload, envelope.payload);
    assert.equal(replayed.event_id, 'new-id');
    assert.equal(replayed.replay_of, envelope.event_id);
    assert.equal(replayed.received_at, envelope.received_at);
    // A replay of a replay still points at the original delivery.
    assert.equal(
      replayEnvelope(archiveEntryOf(replayed, { status: 'duplicate', outcome: 'duplicate', attempts: 1 })).replay_of,
      envelope.event_id,
    );
  });

  it('files what the reconciler learned as such, and a replay of it stays marked', () => {
    const payload = { reconcile: 'unknown', api: 'compat', id: 'CA1', reason: 'not found at SignalWire' };
    const envelope = createEnvelope({
      kind: 'call.status',
      route: 'reconcile',
      content_type: 'json',
      body: JSON.stringify(payload),
      payload,
      headers: {},
      source: 'reconcile',
    });
    const entry = archiveEntryOf(envelope, { status: 'applied', outcome: 'advanced', attempts: 1 });
    assert.equal(entry.source, 'reconcile');
    assert.equal(replayEnvelope(entry).source, 'reconcile');
    assert.equal(
      'source' in archiveEntryOf(callEnvelope('{}', {}), { status: 'applied', outcome: 'x', attempts: 1 }),
      false,
    );
  });

  it('replays a GET /swml fetch from its query string', () => {
    const envelope = createEnvelope({
      kind: 'swml.fetch',
      route: 'GET /swml',
      content_type: 'form',
      body: 'From=%2B1555&From=%2B1666&CallSid=x',
      payload: { From: '+1555', CallSid: 'x' },
      headers: {},
    });
    assert.deepEqual(
      replayEnvelope(archiveEntryOf(envelope, { status: 'applied', outcome: 'recorded', attempts: 1 })).payload,
      { From: '+1555', CallSid: 'x' },
    );
  });
});
