import { ClaimBusyError } from '../claims/lease-claim';

/**
 * How long a record that failed waits before SQS delivers it again, instead of the queue's whole visibility timeout:
 * exponential by delivery (`base`, `4 x base`, `16 x base`, ...) with equal jitter, never longer than `capSeconds`.
 * A passing failure (a throttle, a 500) is retried within seconds; the factor of 4 spreads the queue's few deliveries
 * (its maxReceiveCount) over a couple of minutes, so an outage that long is outlasted rather than dead-lettered.
 */
export interface RetryBackoff {
  /** The first retry's delay before jitter, in whole seconds (at least 1). */
  baseSeconds: number;
  /**
   * No delay is longer, in whole seconds: below the queue's visibility timeout (so a delay never holds a record longer
   * than SQS alone would) and below the claims' lease. Under 1: no backoff, records wait the visibility timeout.
   */
  capSeconds: number;
}

/** Why the record failed, as far as its retry's timing goes. */
export type RetryCause =
  /** Any retryable failure: back off by delivery. */
  | { kind: 'failed' }
  /** Another worker holds a claim the record needs until `leaseExpiresAt` (epoch ms): come back once it ends. */
  | { kind: 'claim-held'; leaseExpiresAt: number };

/** Past a lease's end, so the next delivery finds it expired even with some clock skew between workers. */
export const LEASE_MARGIN_SECONDS = 1;

/** The base and the cap below both the queue's visibility timeout and the claims' lease (whole seconds). */
export function retryBackoff(settings: {
  baseSeconds: number;
  visibilityTimeoutSeconds: number;
  leaseSeconds: number;
}): RetryBackoff {
  return {
    baseSeconds: Math.max(1, Math.floor(settings.baseSeconds)),
    capSeconds: Math.max(0, Math.floor(Math.min(settings.visibilityTimeoutSeconds, settings.leaseSeconds)) - 1),
  };
}

/** A claim held under a known lease waits for it; anything else backs off. */
export function retryCauseOf(error: unknown): RetryCause {
  return error instanceof ClaimBusyError && error.leaseExpiresAt !== undefined
    ? { kind: 'claim-held', leaseExpiresAt: error.leaseExpiresAt }
    : { kind: 'failed' };
}

/**
 * Seconds until the record's next delivery (what ChangeMessageVisibility is given), or undefined to leave it to the
 * visibility timeout (a cap under 1 s). `attempt` is the failed delivery's ApproximateReceiveCount (1 for the first).
 *
 * - failed: with `e = min(cap, base x GROWTH^(attempt - 1))`, a whole number of seconds in [ceil(e / 2), e] (equal
 *   jitter: deliveries that failed together spread over half the step, and none comes back at once); for a given
 *   `random()` it never shrinks as `attempt` grows.
 * - claim-held: the lease's remaining seconds plus LEASE_MARGIN_SECONDS, within [1, cap]; a record that comes back
 *   early (the cap) finds the claim still held and waits for its end again.
 */
export function retryDelaySeconds(
  cause: RetryCause,
  attempt: number,
  backoff: RetryBackoff,
  now: number,
  random: () => number = Math.random,
): number | undefined {
  const cap = Math.floor(backoff.capSeconds);
  if (!(cap >= 1)) return undefined;
  if (cause.kind === 'claim-held') {
    const remaining = Math.ceil((cause.leaseExpiresAt - now) / 1000);
    return clamp(Math.max(0, remaining) + LEASE_MARGIN_SECONDS, 1, cap);
  }
  const retries = Number.isFinite(attempt) ? Math.max(0, Math.floor(attempt) - 1) : 0;
  const step = Math.min(cap, Math.max(1, backoff.baseSeconds) * GROWTH ** retries);
  const drawn = random();
  const jitter = drawn >= 0 && drawn < 1 ? drawn : 0;
  return clamp(Math.ceil((step * (1 + jitter)) / 2), 1, cap);
}

/** Each delivery waits this many times longer than the one before it, up to the cap. */
export const GROWTH = 4;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
