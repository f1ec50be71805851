import type { ParameterReader, ParametersReader } from './secrets';

/**
 * One parameter at a time over a ParametersReader (lib/aws/ssm-get-parameters.ts), cached per container: a
 * rotation reaches a function when a new container starts or after `ttlMs`, which is why signing keys accept two
 * values during a rotation.
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
