import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ArchiveEntry } from '../../lib/archive/archive-entry';
import { ARCHIVE_SHARDS, archivePartition } from '../../lib/archive/archive-index';
import { createArchiveStore, type ArchiveStore } from '../../lib/archive/archive-store';
import { PutCommand } from '../../lib/store/commands';
import { listByFirstSeen } from '../../lib/store/list-by-first-seen';
import { STATS_SHARDS, statsIndexFields } from '../../lib/store/stats-index';
import { queryStatsRecords } from '../../lib/store/stats-store';
import { startTestTable, type TestTable } from '../helpers/test-table';

// The archive index spreads a day over ARCHIVE_SHARDS partitions, the stats index a kind over STATS_SHARDS; readers
// merge them. Given verdicts spread over every
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
    const shuffled = [...entries].sort((a, b) =>
      a.event_id.split('').reverse().join('') < b.event_id.split('').reverse().join('') ? -1 : 1,
    );
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
    const listed = await store.listProcessed(new Date(day - 1).toISOString(), {
      until: new Date(day + 240_000).toISOString(),
    });
    assert.deepEqual(
      listed.map((e) => e.event_id),
      entries.map((e) => e.event_id),
    );
  });

  it('stops at a limit with the oldest ones, and follows on after a point', async () => {
    const first = await store.listProcessed(new Date(day - 1).toISOString(), {
      limit: 15,
      until: new Date(day + 240_000).toISOString(),
    });
    assert.deepEqual(
      first.map((e) => e.event_id),
      entries.slice(0, 15).map((e) => e.event_id),
    );
    const rest = await store.listProcessed(first.at(-1)!.processed_at, {
      until: new Date(day + 240_000).toISOString(),
    });
    assert.deepEqual(
      rest.map((e) => e.event_id),
      entries.slice(15).map((e) => e.event_id),
    );
  });

  it('reads the newest first for a feed, today then yesterday', async () => {
    const newest = await store.latest(70, new Date(day + 120_000));
    assert.deepEqual(
      newest.map((e) => e.event_id),
      [...entries].reverse().map((e) => e.event_id),
    );
    const few = await store.latest(5, new Date(day + 120_000));
    assert.deepEqual(
      few.map((e) => e.event_id),
      [...entries]
        .reverse()
        .slice(0, 5)
        .map((e) => e.event_id),
    );
  });
});

describe('the stats index, sharded by record id', () => {
  let testTable: TestTable;
  const start = Date.parse('2026-03-01T10:00:00.000Z');
  // 50 calls first seen a second apart, filed as the call store files them (statsIndexFields).
  const calls = Array.from({ length: 50 }, (_, i) => ({
    id: `call-${String(i).padStart(2, '0')}`,
    firstSeen: new Date(start + i * 1000).toISOString(),
    state: i % 2 ? 'ended' : 'answered',
  }));

  before(async () => {
    testTable = await startTestTable();
    const { table } = testTable;
    await Promise.all(
      calls.map((call) =>
        table.client.send(
          new PutCommand({
            TableName: table.tableName,
            Item: {
              pk: `CALL#${call.id}`,
              sk: 'CALL',
              state: call.state,
              first_seen_at: call.firstSeen,
              ...statsIndexFields('call', call.id, call.firstSeen),
            },
          }),
        ),
      ),
    );
  });
  after(async () => {
    await testTable?.stop();
  });

  it('files the calls over every shard of the kind', () => {
    const partitions = new Set(calls.map((call) => statsIndexFields('call', call.id, call.firstSeen).gsi1pk));
    assert.equal(partitions.size, STATS_SHARDS);
  });

  it('lists the newest first across the shards, up to a limit', async () => {
    const all = await listByFirstSeen(testTable.table, 'call', calls[0]!.firstSeen);
    assert.deepEqual(
      all.map((r) => r.id),
      [...calls].reverse().map((c) => c.id),
    );
    const newest = await listByFirstSeen(testTable.table, 'call', calls[0]!.firstSeen, 7);
    assert.deepEqual(
      newest.map((r) => r.id),
      [...calls]
        .reverse()
        .slice(0, 7)
        .map((c) => c.id),
    );
  });

  it('counts every call of a window for the stats, whatever its shard', async () => {
    const records = await queryStatsRecords(testTable.table, {
      since: calls[10]!.firstSeen,
      until: calls[39]!.firstSeen,
    });
    assert.equal(records.call.length, 30);
    assert.equal(records.call.filter((r) => r.state === 'ended').length, 15);
  });
});
