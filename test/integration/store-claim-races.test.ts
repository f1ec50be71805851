import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createClaimStore } from '../../lib/store/claim-store';
import { startTable } from '../helpers/dynamodb-table';

const NOW = 1_800_000_000_000;
const claim = (token: string, now = NOW) => ({ token, leaseExpiresAt: now + 60_000, now, fields: {} });
const wins = (results: boolean[]) => results.filter(Boolean).length;

describe('claim store: the races its conditional writes close (DynamoDB emulator)', () => {
  let store: ReturnType<typeof createClaimStore>;
  let stop: () => Promise<void>;
  before(async () => {
    const started = await startTable();
    stop = started.stop;
    store = createClaimStore(started.table, 'REPLY#');
  });
  after(() => stop?.());

  it('create: two workers claim the same effect at once; only one holds it', async () => {
    const key = randomUUID();
    const results = await Promise.all([store.create(key, claim('a')), store.create(key, claim('b'))]);
    assert.equal(wins(results), 1);
    assert.equal((await store.get(key))?.token, results[0] ? 'a' : 'b');
  });

  it('takeOver: two workers take over the same expired claim at once; only one gets it', async () => {
    // given a claim whose lease has run out
    const key = randomUUID();
    await store.create(key, claim('old', NOW - 120_000));
    // when two workers that both read token `old` take it over at once
    const results = await Promise.all([store.takeOver(key, 'old', claim('a')), store.takeOver(key, 'old', claim('b'))]);
    // then one wins, counted as a second attempt
    assert.equal(wins(results), 1);
    const taken = await store.get(key);
    assert.equal(taken?.token, results[0] ? 'a' : 'b');
    assert.equal(taken?.attempts, 2);
  });

  it('finish: a holder whose lease was taken over cannot overwrite its successor', async () => {
    const key = randomUUID();
    await store.create(key, claim('old', NOW - 120_000));
    assert.equal(await store.takeOver(key, 'old', claim('new')), true);
    // when the old holder finishes after the takeover, then it is refused and the successor finishes
    assert.equal(await store.finish(key, 'old', 'sent', { sid: 'from-old' }), false);
    assert.equal(await store.finish(key, 'new', 'sent', { sid: 'from-new' }), true);
    const done = await store.get(key);
    assert.equal(done?.status, 'sent');
    assert.equal(done?.fields.sid, 'from-new');
  });

  it('recordIfAbsent: an outcome recorded without a claim never overwrites a claim made meanwhile', async () => {
    const key = randomUUID();
    assert.equal(await store.create(key, claim('holder')), true);
    assert.equal(await store.recordIfAbsent(key, 'skipped', { reason: 'no api' }), false);
    const held = await store.get(key);
    assert.equal(held?.status, 'in_progress');
    assert.equal(held?.token, 'holder');
  });
});
