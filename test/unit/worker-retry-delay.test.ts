import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ClaimBusyError } from '../../lib/claims/lease-claim';
import { DependencyError } from '../../lib/errors';
import {
  GROWTH,
  LEASE_MARGIN_SECONDS,
  retryBackoff,
  retryCauseOf,
  retryDelaySeconds,
  type RetryBackoff,
} from '../../lib/worker/retry-delay';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const FAILED = { kind: 'failed' } as const;
const DEPLOYED = retryBackoff({ baseSeconds: 2, visibilityTimeoutSeconds: 181, leaseSeconds: 90 });

const backoffs = fc.record({
  baseSeconds: fc.integer({ min: 1, max: 30 }),
  capSeconds: fc.integer({ min: 1, max: 900 }),
});
const attempts = fc.integer({ min: 1, max: 40 });
/** What Math.random may return: [0, 1). */
const draws = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const delay = (backoff: RetryBackoff, attempt: number, draw: number) =>
  retryDelaySeconds(FAILED, attempt, backoff, NOW, () => draw);

describe('retryDelaySeconds (when a failed record comes back)', () => {
  it('caps 1 s below the smaller of the visibility timeout and the lease (deployed: 89 s), from a 2 s base', () => {
    assert.deepEqual(DEPLOYED, { baseSeconds: 2, capSeconds: 89 });
    assert.deepEqual(retryBackoff({ baseSeconds: 2, visibilityTimeoutSeconds: 30, leaseSeconds: 90 }).capSeconds, 29);
    // the test stack's 1 s timeout: nothing shorter to set, the record waits the timeout
    assert.equal(retryBackoff({ baseSeconds: 2, visibilityTimeoutSeconds: 1, leaseSeconds: 90 }).capSeconds, 0);
    assert.equal(retryDelaySeconds(FAILED, 1, { baseSeconds: 2, capSeconds: 0 }, NOW), undefined);
  });

  it('grows four times by delivery with equal jitter: 1-2 s, 4-8 s, 16-32 s, then the cap', () => {
    const ranges = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => [
      delay(DEPLOYED, attempt, 0),
      delay(DEPLOYED, attempt, 0.999),
    ]);
    assert.deepEqual(ranges, [
      [1, 2],
      [4, 8],
      [16, 32],
      [45, 89],
      [45, 89],
      [45, 89],
      [45, 89],
      [45, 89],
    ]);
  });

  it('is always a whole number of seconds within [ceil(step / 2), step], step = min(cap, base x 2^(attempt - 1))', () => {
    fc.assert(
      fc.property(backoffs, attempts, draws, (backoff, attempt, draw) => {
        const seconds = delay(backoff, attempt, draw)!;
        const step = Math.min(backoff.capSeconds, backoff.baseSeconds * GROWTH ** (attempt - 1));
        assert.ok(Number.isInteger(seconds), `${seconds}`);
        assert.ok(seconds >= 1 && seconds <= backoff.capSeconds, `${seconds} outside [1, ${backoff.capSeconds}]`);
        // the jitter is bounded: never under half the step, never over it
        assert.ok(seconds >= Math.ceil(step / 2) && seconds <= step, `${seconds} for step ${step}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('never shrinks as the attempts grow, for the same draw, and its range moves up until the cap', () => {
    fc.assert(
      fc.property(backoffs, attempts, draws, (backoff, attempt, draw) => {
        assert.ok(delay(backoff, attempt + 1, draw)! >= delay(backoff, attempt, draw)!);
        const [lowest, highest] = [(n: number) => delay(backoff, n, 0)!, (n: number) => delay(backoff, n, 0.999999)!];
        const step = backoff.baseSeconds * GROWTH ** (attempt - 1);
        if (2 * step <= backoff.capSeconds) {
          assert.ok(highest(attempt + 1) > highest(attempt));
          if (step >= 2) assert.ok(lowest(attempt + 1) > lowest(attempt));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('treats a draw outside [0, 1) and a missing or odd attempt as the least delay, never NaN', () => {
    for (const draw of [Number.NaN, -1, 1, 7])
      assert.equal(
        retryDelaySeconds(FAILED, 1, DEPLOYED, NOW, () => draw),
        1,
      );
    for (const attempt of [Number.NaN, 0, -3, 1.5]) assert.equal(delay(DEPLOYED, attempt, 0), 1);
    assert.equal(delay(DEPLOYED, Number.POSITIVE_INFINITY, 0), 1);
    assert.equal(delay(DEPLOYED, 10_000, 0.5), 67);
  });

  it('waits for a held claim until its lease ends, plus a margin, within [1, cap]', () => {
    const held = (ms: number) => ({ kind: 'claim-held', leaseExpiresAt: NOW + ms }) as const;
    assert.equal(retryDelaySeconds(held(10_000), 1, DEPLOYED, NOW), 10 + LEASE_MARGIN_SECONDS);
    assert.equal(retryDelaySeconds(held(10_001), 4, DEPLOYED, NOW), 11 + LEASE_MARGIN_SECONDS, 'whatever the attempt');
    assert.equal(retryDelaySeconds(held(90_000), 1, DEPLOYED, NOW), 89, 'a fresh lease: the cap');
    assert.equal(retryDelaySeconds(held(-5_000), 1, DEPLOYED, NOW), LEASE_MARGIN_SECONDS, 'already expired');
    fc.assert(
      fc.property(backoffs, fc.integer({ min: -100_000, max: 10_000_000 }), attempts, (backoff, ms, attempt) => {
        const seconds = retryDelaySeconds(held(ms), attempt, backoff, NOW)!;
        assert.ok(Number.isInteger(seconds) && seconds >= 1 && seconds <= backoff.capSeconds);
        // never before the lease ends, unless the cap forbids waiting that long
        assert.ok(seconds * 1000 >= ms || seconds === backoff.capSeconds);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('retryCauseOf', () => {
  it('waits for a claim held under a known lease, and backs off from anything else', () => {
    assert.deepEqual(retryCauseOf(new ClaimBusyError('held', NOW + 5_000)), {
      kind: 'claim-held',
      leaseExpiresAt: NOW + 5_000,
    });
    assert.deepEqual(retryCauseOf(new ClaimBusyError('vanished while being read')), FAILED);
    assert.deepEqual(retryCauseOf(new DependencyError('table unavailable')), FAILED);
    assert.deepEqual(retryCauseOf('not even an error'), FAILED);
  });
});
