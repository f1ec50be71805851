import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fastIsoTime } from '../../lib/time';

describe('fastIsoTime (the ingest received_at)', () => {
  it('writes exactly what toISOString writes, for any millisecond and in any order of calls', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -62_198_755_200_000, max: 253_402_300_799_999 }), { minLength: 1, maxLength: 20 }),
        (times) => {
          for (const ms of times) assert.equal(fastIsoTime(ms), new Date(ms).toISOString());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is right on both sides of a second, and for consecutive calls within one', () => {
    const base = Date.UTC(2026, 10, 30, 12, 0, 59);
    for (const ms of [
      base - 1,
      base,
      base + 1,
      base + 9,
      base + 10,
      base + 99,
      base + 100,
      base + 999,
      base + 1000,
      base + 1001,
      0,
      -1,
    ]) {
      assert.equal(fastIsoTime(ms), new Date(ms).toISOString());
    }
  });

  it('falls back to toISOString for years it does not write with four digits', () => {
    for (const ms of [Date.UTC(10000, 0, 1, 0, 0, 0, 5), Date.UTC(-1, 0, 1, 0, 0, 0, 42)])
      assert.equal(fastIsoTime(ms), new Date(ms).toISOString());
  });
});
