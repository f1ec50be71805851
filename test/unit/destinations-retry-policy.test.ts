import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  DEFAULT_DELIVERY_BACKOFF,
  judgeAttempt,
  parseRetryAfter,
  retryDelaySeconds,
  SQS_MAX_DELAY_SECONDS,
} from '../../lib/destinations/retry-policy';
import { PROJECT_ROOT } from '../../local/project-root';
import { loadServerlessConfig } from '../../local/serverless-config';

const NOW = Date.parse('2025-01-15T10:00:00Z');
const answered = (status: number, retryAfter?: string) => ({
  kind: 'answered' as const,
  status,
  body: `body ${status}`,
  ...(retryAfter !== undefined && { retryAfter }),
});

describe('judgeAttempt (the retry policy)', () => {
  it('a 2xx is delivered', () => {
    for (const status of [200, 201, 202, 204, 299]) assert.equal(judgeAttempt(answered(status), NOW).kind, 'delivered');
  });

  it('retries a timeout, a network error, a 5xx, a 408 and a 429, keeping the last status and body', () => {
    assert.deepEqual(judgeAttempt({ kind: 'timeout', timeoutMs: 10_000 }, NOW), {
      kind: 'retry',
      reason: 'no answer within 10 s',
    });
    assert.deepEqual(judgeAttempt({ kind: 'network', message: 'ECONNREFUSED: connect refused' }, NOW), {
      kind: 'retry',
      reason: 'could not connect: ECONNREFUSED: connect refused',
    });
    for (const status of [500, 502, 503, 504, 599, 408, 429]) {
      const verdict = judgeAttempt(answered(status), NOW);
      assert.deepEqual(verdict, { kind: 'retry', reason: `answered HTTP ${status}`, status, body: `body ${status}` });
    }
  });

  it('honours Retry-After on a retried answer, in seconds or as an HTTP date', () => {
    assert.equal(judgeAttempt(answered(429, '120'), NOW).kind, 'retry');
    assert.deepEqual(judgeAttempt(answered(503, '30'), NOW), {
      kind: 'retry',
      reason: 'answered HTTP 503',
      status: 503,
      body: 'body 503',
      retryAfterSeconds: 30,
    });
    const at = new Date(NOW + 90_000).toUTCString();
    assert.equal((judgeAttempt(answered(503, at), NOW) as { retryAfterSeconds?: number }).retryAfterSeconds, 90);
    assert.equal(parseRetryAfter(undefined, NOW), undefined);
    assert.equal(parseRetryAfter('soon', NOW), undefined);
    assert.equal(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW), 0);
  });

  it('is final for any other 4xx, a 3xx (redirects are not followed) and a 1xx', () => {
    for (const status of [400, 401, 403, 404, 405, 409, 410, 413, 422])
      assert.deepEqual(judgeAttempt(answered(status), NOW), {
        kind: 'final',
        reason: `answered HTTP ${status}`,
        status,
        body: `body ${status}`,
      });
    for (const status of [301, 302, 303, 307, 308]) {
      const verdict = judgeAttempt(answered(status), NOW);
      assert.equal(verdict.kind, 'final');
      assert.match((verdict as { reason: string }).reason, /redirects are not followed/);
    }
    assert.equal(judgeAttempt(answered(101), NOW).kind, 'final');
  });
});

describe('retryDelaySeconds (exponential backoff with jitter, for up to a day)', () => {
  const backoff = DEFAULT_DELIVERY_BACKOFF;

  it('doubles from the base with equal jitter, up to the cap', () => {
    const at = (attempt: number, random: number) => retryDelaySeconds(backoff, attempt, 0, undefined, () => random);
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => at(n, 0)),
      [30, 60, 120, 240],
    );
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => at(n, 0.999999)),
      [60, 120, 240, 480],
    );
    assert.equal(at(30, 0.999999), backoff.capSeconds);
    assert.equal(at(30, 0), backoff.capSeconds / 2);
    assert.ok(backoff.capSeconds <= SQS_MAX_DELAY_SECONDS, 'below what ChangeMessageVisibility takes');
  });

  it('waits at least what Retry-After asks, within the cap', () => {
    assert.equal(
      retryDelaySeconds(backoff, 1, 0, 600, () => 0),
      600,
    );
    assert.equal(
      retryDelaySeconds(backoff, 1, 0, 5, () => 0),
      30,
      'never sooner than its backoff',
    );
    assert.equal(
      retryDelaySeconds(backoff, 1, 0, 10 * 86_400, () => 0),
      backoff.capSeconds,
    );
  });

  it('cuts the last wait to the deadline, and gives up a day after the job was queued', () => {
    const day = backoff.giveUpAfterSeconds;
    assert.equal(
      retryDelaySeconds(backoff, 12, day - 100, undefined, () => 0.5),
      100,
    );
    assert.equal(
      retryDelaySeconds(backoff, 12, day, undefined, () => 0.5),
      undefined,
    );
    assert.equal(
      retryDelaySeconds(backoff, 2, day + 1, undefined, () => 0.5),
      undefined,
    );
  });

  it("reaches a day in 13 to 17 tries, within serverless.yml's deliverMaxReceiveCount", () => {
    /** Tries until the deadline, every wait drawn with the same jitter. */
    const triesToADay = (random: number) => {
      let elapsed = 0;
      let tries = 1;
      for (;;) {
        const wait = retryDelaySeconds(backoff, tries, elapsed, undefined, () => random);
        if (wait === undefined) return tries;
        elapsed += wait;
        tries += 1;
      }
    };
    const longest = triesToADay(0);
    const shortest = triesToADay(0.999999);
    assert.deepEqual([shortest, longest], [13, 17]);
    const defs = loadServerlessConfig(join(PROJECT_ROOT, 'serverless.yml'), 'ci');
    const queue = defs.resources.DestinationsQueue!.Properties as { RedrivePolicy: { maxReceiveCount: number } };
    assert.ok(queue.RedrivePolicy.maxReceiveCount > longest, `maxReceiveCount ${queue.RedrivePolicy.maxReceiveCount}`);
  });
});
