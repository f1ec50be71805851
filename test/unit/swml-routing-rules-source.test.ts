import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../lib/log';
import { createRoutingRulesSource } from '../../lib/swml/routing-rules-source';

const log = createLogger({}, 'silent');

/** A table read that counts its calls and answers what `next` says, on a clock the test moves. */
function fakeRead(next: () => Promise<string | undefined>) {
  const calls = { count: 0 };
  return {
    calls,
    read: () => {
      calls.count++;
      return next();
    },
  };
}

describe('createRoutingRulesSource (the container cache of the SWML routing rules)', () => {
  it('reads once per ttl, then again', async () => {
    // given a 30 s cache on a clock at 0
    let now = 0;
    const { calls, read } = fakeRead(async () => '{"greeting":"Hi."}');
    const rules = createRoutingRulesSource(read, { ttlMs: 30_000, log, now: () => now });
    // when it is asked three times within 30 s and once after
    assert.equal(await rules(), '{"greeting":"Hi."}');
    now = 29_999;
    await rules();
    await rules();
    assert.equal(calls.count, 1);
    now = 30_000;
    await rules();
    // then the table was read twice
    assert.equal(calls.count, 2);
  });

  it('shares one read among concurrent callers', async () => {
    const { calls, read } = fakeRead(() => new Promise((resolve) => setTimeout(() => resolve(undefined), 10)));
    const rules = createRoutingRulesSource(read, { ttlMs: 0, log, now: () => 0 });
    await Promise.all([rules(), rules(), rules()]);
    assert.equal(calls.count, 1);
  });

  it('reads on every call with a ttl of 0', async () => {
    let now = 0;
    const { calls, read } = fakeRead(async () => undefined);
    const rules = createRoutingRulesSource(read, { ttlMs: 0, log, now: () => now });
    await rules();
    now = 1;
    await rules();
    assert.equal(calls.count, 2);
  });

  it('remembers a failed read only for the error ttl, then reads again', async () => {
    let now = 0;
    let fail = true;
    const { calls, read } = fakeRead(async () => {
      if (fail) throw new Error('dynamodb down');
      return '{}';
    });
    const rules = createRoutingRulesSource(read, { ttlMs: 30_000, errorTtlMs: 5_000, log, now: () => now });
    await assert.rejects(rules(), /dynamodb down/);
    now = 4_999;
    await assert.rejects(rules(), /dynamodb down/);
    assert.equal(calls.count, 1, 'an outage costs one read per error ttl, not one per call');
    fail = false;
    now = 5_000;
    assert.equal(await rules(), '{}');
    assert.equal(calls.count, 2);
  });

  it('stops sharing a read that never settles', async () => {
    let now = 0;
    const { calls, read } = fakeRead(() => new Promise(() => undefined));
    const rules = createRoutingRulesSource(read, { ttlMs: 30_000, inFlightMs: 3_000, log, now: () => now });
    void rules();
    now = 3_000;
    void rules();
    assert.equal(calls.count, 2);
  });

  it('hands back broken rules as stored (the answer falls back to the safe default) and logs them', async () => {
    const lines: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const rules = createRoutingRulesSource(async () => '{"vipNumber":[]}', {
        ttlMs: 0,
        log: createLogger({}, 'error'),
        now: () => 0,
      });
      assert.equal(await rules(), '{"vipNumber":[]}');
    } finally {
      process.stderr.write = original;
    }
    assert.ok(
      lines.some((line) => line.includes('swml routing rules are invalid') && line.includes('unknown field vipNumber')),
    );
  });
});
