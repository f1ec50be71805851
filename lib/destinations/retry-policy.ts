import type { PostOutcome } from './post-event';

/**
 * What one attempt means for the job: delivered; worth another try (the receiver is down, slow, or asked us to come
 * back); or final (the receiver refused it and would refuse it again, or we refused to call it). `status` and `body`
 * are the last answer's, for the dead letter.
 */
export type AttemptVerdict =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; reason: string; status?: number; body?: string; retryAfterSeconds?: number }
  | { kind: 'final'; reason: string; status?: number; body?: string };

/**
 * The retry policy: a timeout, a network error, a 5xx, a 408 or a 429 is retried; a 2xx is delivered; anything else
 * (another 4xx, a 3xx: redirects are never followed, a 1xx) is final.
 */
export function judgeAttempt(outcome: PostOutcome, now: number): AttemptVerdict {
  if (outcome.kind === 'timeout')
    return { kind: 'retry', reason: `no answer within ${Math.round(outcome.timeoutMs / 1000)} s` };
  if (outcome.kind === 'network') return { kind: 'retry', reason: `could not connect: ${outcome.message}` };
  const { status, body } = outcome;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status >= 500 || status === 408 || status === 429) {
    const retryAfterSeconds = parseRetryAfter(outcome.retryAfter, now);
    return {
      kind: 'retry',
      reason: `answered HTTP ${status}`,
      status,
      body,
      ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
    };
  }
  if (status >= 300 && status < 400)
    return { kind: 'final', reason: `answered HTTP ${status}: redirects are not followed`, status, body };
  return { kind: 'final', reason: `answered HTTP ${status}`, status, body };
}

/** Retry-After as seconds from `now`: delay-seconds or an HTTP-date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  const text = header?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * How a failed delivery is tried again: exponential (`base`, `2 x base`, `4 x base`, ... up to `cap`) with equal
 * jitter, never sooner than the receiver's Retry-After, until `giveUpAfterSeconds` after the job was queued.
 */
export interface DeliveryBackoff {
  baseSeconds: number;
  /** No wait is longer (whole seconds); at most SQS_MAX_DELAY_SECONDS. */
  capSeconds: number;
  /** A job still failing this long after it was queued is dead-lettered (exhausted). */
  giveUpAfterSeconds: number;
}

/**
 * ChangeMessageVisibility takes at most 12 hours from the receive; a few minutes below it, so the change made at the
 * end of a slow batch is never refused.
 */
export const SQS_MAX_DELAY_SECONDS = 12 * 3600 - 300;

/**
 * 1 min, 2, 4, ... 4 h 16 min, then every 6 h, until a day after the job was queued: with equal jitter (each wait
 * between half and all of its step) a day takes 13 to 17 tries; serverless.yml's deliverMaxReceiveCount (20) leaves
 * room for a few crashed invocations (test/unit/destinations-retry-policy.test.ts checks both ends).
 */
export const DEFAULT_DELIVERY_BACKOFF: DeliveryBackoff = {
  baseSeconds: 60,
  capSeconds: 6 * 3600,
  giveUpAfterSeconds: 24 * 3600,
};

/**
 * Seconds until the job's next try (what ChangeMessageVisibility is given), or undefined when its time is up
 * (exhausted). `attempt` is the failed try's ApproximateReceiveCount (1 for the first), `elapsedSeconds` the time since
 * the job was queued. The last wait is cut to the time left, so the last try is made at the deadline.
 */
export function retryDelaySeconds(
  backoff: DeliveryBackoff,
  attempt: number,
  elapsedSeconds: number,
  retryAfterSeconds: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  const left = Math.floor(backoff.giveUpAfterSeconds - elapsedSeconds);
  if (!(left >= 1)) return undefined;
  const cap = Math.max(1, Math.min(Math.floor(backoff.capSeconds), SQS_MAX_DELAY_SECONDS));
  const retries = Number.isFinite(attempt) ? Math.max(0, Math.floor(attempt) - 1) : 0;
  const step = Math.min(cap, Math.max(1, backoff.baseSeconds) * 2 ** Math.min(retries, 40));
  const drawn = random();
  const jitter = drawn >= 0 && drawn < 1 ? drawn : 0;
  const backedOff = Math.ceil((step * (1 + jitter)) / 2);
  const wait = Math.max(backedOff, Math.ceil(retryAfterSeconds ?? 0));
  return Math.max(1, Math.min(wait, cap, left));
}
