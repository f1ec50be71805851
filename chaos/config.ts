import type { FaultRates } from './fault-proxy';
import type { ChaosOptions } from './harness';

type Env = Record<string, string | undefined>;

const number = (env: Env, name: string, fallback: number): number => {
  const value = env[name];
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative number, got ${value}`);
  return parsed;
};

/** How a fault rate is shared among the kinds: every kind on, the nastiest (a dropped response) the most. */
function faultRates(total: number): FaultRates {
  return {
    reset: total * 0.2,
    server_error: total * 0.15,
    throttle: total * 0.2,
    latency: total * 0.1,
    response_dropped: total * 0.35,
  };
}

/**
 * The run's settings, from the environment: CHAOS_N deliveries (10,000), CHAOS_SEED (random, printed),
 * CHAOS_FAULT_RATE share of proxied requests that fail (0.08), CHAOS_CONCURRENCY (16), CHAOS_KILL_MS mean time
 * between worker kills (15000; 0 turns kills off), CHAOS_LATENCY_MS (2500), CHAOS_DRAIN_TIMEOUT_MS (600000),
 * CHAOS_DROP_RATE share of call and message status deliveries SignalWire gives up on (0.1), CHAOS_RECONCILE_MS
 * between reconciler runs (3000), CHAOS_CUT_RATE share of recording downloads the recording server cuts part-way
 * (0.2). SignalWire prices a call or message 2-10 s after the sender first handles it.
 *
 * Timing, scaled down from serverless.yml keeping its relations: worker timeout 15 s (deployed 30 s), visibility
 * 15 s (181 s: never shorter than the timeout, so a live invocation's messages are not handed out again), reply and
 * notification lease 18 s (90 s: it outlasts the timeout, so a lease only expires once its holder is dead, and a
 * message kept waiting by a dead holder's claim is taken over on its second or third receive, inside
 * maxReceiveCount 5). Kills come every 7.5-22.5 s. The recordings copier gets the same timeout, visibility and
 * lease (deployed 900 s, 5400 s and 960 s).
 */
export function chaosOptions(env: Env, log: (line: string) => void): ChaosOptions {
  const killMs = number(env, 'CHAOS_KILL_MS', 15_000);
  return {
    total: Math.max(1, Math.round(number(env, 'CHAOS_N', 10_000))),
    seed: Math.round(number(env, 'CHAOS_SEED', Math.floor(Math.random() * 1e9))),
    concurrency: Math.max(1, Math.round(number(env, 'CHAOS_CONCURRENCY', 16))),
    rates: faultRates(Math.min(0.5, number(env, 'CHAOS_FAULT_RATE', 0.08))),
    latencyMs: number(env, 'CHAOS_LATENCY_MS', 2500),
    killEveryMs: killMs === 0 ? [0, 0] : [killMs / 2, (killMs * 3) / 2],
    visibilityTimeoutSeconds: 15,
    workerTimeoutMs: 15_000,
    replyLeaseSeconds: 18,
    // The whole run's budget (10,000 deliveries in 10 minutes): a queue still busy after that is a failed run.
    drainTimeoutMs: number(env, 'CHAOS_DRAIN_TIMEOUT_MS', 600_000),
    dropRate: Math.min(0.9, number(env, 'CHAOS_DROP_RATE', 0.1)),
    reconcileEveryMs: Math.max(100, number(env, 'CHAOS_RECONCILE_MS', 3000)),
    recordingCutRate: Math.min(1, number(env, 'CHAOS_CUT_RATE', 0.2)),
    priceAfterMs: [2000, 10_000],
    log,
  };
}
