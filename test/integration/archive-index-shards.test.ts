import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ArchiveEntry } from '../../lib/archive/archive-entry';
import { ARCHIVE_SHARDS, archivePartition } from '../../lib/archive/archive-index';
import { createArchiveStore, type ArchiveStore } from '../../lib/archive/archive-store';
import { startTestTable, type TestTable } from '../helpers/test-table';

// The archive index spreads a day over ARCHIVE_SHARDS partitions; readers merge them. Given verdicts spread over every
// shard and two days, when they are listed, followed from a point or read newest first, then the order and the limits
// are those of one time-ordered list.
const entry = (i: number, processedAt: string): ArchiveEntry => ({
  event_id: `evt-${String(i).padStart(3, '0')}`,
  kind: 'call.status',
  route: 'POST /call-status',
  received_at: processedAt,
  content_type: 'json',
  body: '{}',
  headers: {},
  status: 'applied',
  outcome: 'advanced',
  attempts: 1,
  processed_at: processedAt,
});

describe('the archive index, sharded by event id', () => {
  let testTable: TestTable;
  let store: ArchiveStore;
  const day = Date.parse('2026-03-01T23:59:00.000Z');
  // 60 verdicts two seconds apart, across midnight UTC: 30 on 2026-03-01, 30 on 2026-03-02.
  const entries = Array.from({ length: 60 }, (_, i) => entry(i, new Date(day + i * 2000).toISOString()));

  before(async () => {
    testTable = await startTestTable();
    store = createArchiveStore(testTable.table);
    // In shuffled order and batches of 10, as concurrent workers would write them.
    const shuffled = [...entries].sort((a, b) => (a.event_id.split('').reverse().join('') < b.event_id.split('').reverse().join('') ? -1 : 1));
    for (let i = 0; i < shuffled.length; i += 10) await store.write(shuffled.slice(i, i + 10));
  });
  after(async () => {
    await testTable?.stop();
  });

  it('spreads the verdicts over every shard of each day', () => {
    const partitions = new Set(entries.map((e) => archivePartition(e.processed_at, e.event_id)));
    assert.ok(partitions.size > ARCHIVE_SHARDS, `${partitions.size} partitions over two days`);
  });

  it('lists every verdict of a range oldest first, across the shards and the days', async () => {
    const listed = await store.listProcessed(new Date(day - 1).toISOString(), { until: new Date(day + 240_000).toISOString() });
    assert.deepEqual(listed.map((e) => e.event_id), entries.map((e) => e.event_id));
  });

  it('stops at a limit with the oldest ones, and follows on after a point', async () => {
    const first = await store.listProcessed(new Date(day - 1).toISOString(), { limit: 15, until: new Date(day + 240_000).toISOString() });
    assert.deepEqual(first.map((e) => e.event_id), entries.slice(0, 15).map((e) => e.event_id));
    const rest = await store.listProcessed(first.at(-1)!.processed_at, { until: new Date(day + 240_000).toISOString() });
    assert.deepEqual(rest.map((e) => e.event_id), entries.slice(15).map((e) => e.event_id));
  });

  it('reads the newest first for a feed, today then yesterday', async () => {
    const newest = await store.latest(70, new Date(day + 120_000));
    assert.deepEqual(newest.map((e) => e.event_id), [...entries].reverse().map((e) => e.event_id));
    const few = await store.latest(5, new Date(day + 120_000));
    assert.deepEqual(few.map((e) => e.event_id), [...entries].reverse().slice(0, 5).map((e) => e.event_id));
  });
});
