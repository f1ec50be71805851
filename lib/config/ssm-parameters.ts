import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { ParameterReader } from './secrets';

/**
 * Reads SecureString parameters once per container and caches them: a rotation reaches a function when a new
 * container starts (or after `ttlMs`), which is why signing keys accept two values during a rotation.
 */
export function createParameterReader(ssm: SSMClient, ttlMs = 5 * 60_000): ParameterReader {
  const cache = new Map<string, { value: Promise<string>; expires: number }>();
  return (name) => {
    const hit = cache.get(name);
    if (hit && hit.expires > Date.now()) return hit.value;
    const value = ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true })).then(({ Parameter }) => {
      if (Parameter?.Value === undefined) throw new Error(`parameter ${name} has no value`);
      return Parameter.Value;
    });
    value.catch(() => cache.delete(name));
    cache.set(name, { value, expires: Date.now() + ttlMs });
    return value;
  };
}
