import { GetParameterCommand, GetParametersCommand, SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
import type { ParameterReader, ParametersReader } from './secrets';

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

/** An SSM client of its own for the reader; see lazy-ssm.ts for why it is created on first use. */
export function createSsmParametersReader(config: SSMClientConfig): ParametersReader {
  return createParametersReader(new SSMClient(config));
}

/** GetParameters: one round trip for up to 10 names; names SSM does not know come back as InvalidParameters. */
export function createParametersReader(ssm: SSMClient): ParametersReader {
  return async (names) => {
    const values = new Map<string, string>();
    for (let start = 0; start < names.length; start += 10) {
      const command = new GetParametersCommand({ Names: names.slice(start, start + 10), WithDecryption: true });
      const { Parameters = [] } = await ssm.send(command);
      for (const { Name, Value } of Parameters) if (Name !== undefined && Value !== undefined) values.set(Name, Value);
    }
    return values;
  };
}
