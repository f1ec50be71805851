import type { Logger } from '../logger';
import { parseRoutingRules } from './routing-rules';

export interface RoutingRulesSourceOptions {
  /** How long a read is reused; 0 reads on every call. */
  ttlMs: number;
  /** How long a failed read is reused (a DynamoDB outage must not add its timeouts to every call); default min(ttlMs, 5 s). */
  errorTtlMs?: number;
  /** How long callers share a read still in flight; a read that never settles must not hold every later call. */
  inFlightMs?: number;
  log: Logger;
  now?: () => number;
}

/**
 * The routing rules as stored (JSON text, undefined when none are set), read at most once per `ttlMs` per
 * container, so a busy line does not read the table per call. Concurrent callers share one read. A read that
 * failed rejects for `errorTtlMs`. Broken rules are logged once per read, here, so the breakage is seen; the
 * answer itself falls back to the safe default (buildSwmlOrSafeDefault).
 */
export function createRoutingRulesSource(
  read: () => Promise<string | undefined>,
  options: RoutingRulesSourceOptions,
): () => Promise<string | undefined> {
  const now = options.now ?? Date.now;
  const errorTtlMs = options.errorTtlMs ?? Math.min(options.ttlMs, 5_000);
  let cached: { value: Promise<string | undefined>; until: number } | undefined;

  const load = async (): Promise<string | undefined> => {
    const rules = await read();
    try {
      parseRoutingRules(rules);
    } catch (error) {
      options.log.error('swml routing rules are invalid; answering the safe default', {
        reason: (error as Error).message,
      });
    }
    return rules;
  };

  return () => {
    if (cached !== undefined && now() < cached.until) return cached.value;
    const started = now();
    const value = load();
    const entry = { value, until: started + (options.inFlightMs ?? 3_000) };
    cached = entry;
    value.then(
      () => (entry.until = started + options.ttlMs),
      () => (entry.until = started + errorTtlMs),
    );
    return value;
  };
}
