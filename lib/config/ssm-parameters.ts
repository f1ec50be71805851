import type { ParameterReader, ParametersReader } from './secrets';

/** A ParametersReader that keeps what it read; `forget` drops one name, so the next read asks SSM at once. */
export interface CachedParametersReader extends ParametersReader {
  forget(name: string): void;
}

/**
 * SSM reads (lib/aws/ssm.ts) cached per container and per name for `ttlMs`, a name SSM does not know included: a
 * rotated value (the worker's SignalWire API token, its status callbacks' secrets) reaches a container after that at
 * the latest, or when a new one starts. A failed read is not cached. (The webhook secrets have their own refresh:
 * security/auth-settings.ts.)
 */
export function cachedParametersReader(readParameters: ParametersReader, ttlMs = 5 * 60_000): CachedParametersReader {
  const cache = new Map<string, { value: Promise<string | undefined>; expires: number }>();
  const readOne = (name: string) => {
    const hit = cache.get(name);
    if (hit && hit.expires > Date.now()) return hit.value;
    const value = readParameters([name]).then((values) => values.get(name));
    value.catch(() => cache.delete(name));
    cache.set(name, { value, expires: Date.now() + ttlMs });
    return value;
  };
  const read = async (names: readonly string[]) => {
    const values = await Promise.all(names.map(readOne));
    const found = new Map<string, string>();
    for (const [i, value] of values.entries()) if (value !== undefined) found.set(names[i]!, value);
    return found;
  };
  return Object.assign(read, { forget: (name: string) => void cache.delete(name) });
}

/**
 * One parameter that must exist, over a cached reader: a missing one is an error and is not kept, so it is read
 * again as soon as someone creates it.
 */
export function requiredParameter(parameters: CachedParametersReader): ParameterReader {
  const read = async (name: string) => {
    const found = (await parameters([name])).get(name);
    if (found !== undefined) return found;
    parameters.forget(name);
    throw new Error(`parameter ${name} does not exist or has no value`);
  };
  return Object.assign(read, { forget: parameters.forget });
}

/** `requiredParameter` over its own cache. */
export const cachedParameterReader = (readParameters: ParametersReader, ttlMs?: number): ParameterReader =>
  requiredParameter(cachedParametersReader(readParameters, ttlMs));
