import { ConfigError } from '../errors';

type Env = Record<string, string | undefined>;

/** Reads an SSM parameter (SecureString, decrypted); lib/config/ssm-parameters.ts implements it over lib/aws/ssm-get-parameters.ts. */
export interface ParameterReader {
  (name: string): Promise<string>;
  /** Drops a cached value, so the next read asks SSM at once (after the service refused the old value). */
  forget?(name: string): void;
}

/** Reads several SSM parameters (SecureString, decrypted) in one go; a name that does not exist is absent from the result. */
export type ParametersReader = (names: readonly string[]) => Promise<ReadonlyMap<string, string>>;

/**
 * A secret comes from the environment when it is set there (the local stack), otherwise from the SSM parameter
 * named by `<NAME>_PARAMETER` (deployed stages: the value never appears in the template or the function's
 * configuration). Undefined when neither is configured.
 */
export async function resolveSecret(env: Env, name: string, readParameter: ParameterReader): Promise<string | undefined> {
  const direct = env[name];
  if (direct !== undefined && direct !== '') return direct;
  const parameter = env[`${name}_PARAMETER`];
  if (parameter === undefined || parameter === '') return undefined;
  try {
    return await readParameter(parameter);
  } catch (cause) {
    throw new ConfigError(`could not read SSM parameter ${parameter} for ${name}`, { cause });
  }
}
