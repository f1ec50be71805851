import type { ParameterReader, ParametersReader } from './secrets';

/**
 * One parameter at a time over a ParametersReader (lib/aws/ssm.ts), cached per container for
 * `ttlMs`: a rotated value (the worker's SignalWire API token) reaches a container after that at the latest, or when
 * a new one starts. A failed read is not cached. (The webhook secrets have their own refresh: security/auth-settings.ts.)
 */
export function cachedParameterReader(readParameters: ParametersReader, ttlMs = 5 * 60_000): ParameterReader {
  const cache = new Map<string, { value: Promise<string>; expires: number }>();
  const read = (name: string) => {
    const hit = cache.get(name);
    if (hit && hit.expires > Date.now()) return hit.value;
    const value = readParameters([name]).then((values) => {
      const found = values.get(name);
      if (found === undefined) throw new Error(`parameter ${name} does not exist or has no value`);
      return found;
    });
    value.catch(() => cache.delete(name));
    cache.set(name, { value, expires: Date.now() + ttlMs });
    return value;
  };
  return Object.assign(read, { forget: (name: string) => void cache.delete(name) });
}
