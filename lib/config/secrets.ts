import { DependencyError } from '../errors';

type Env = Record<string, string | undefined>;

/** Reads an SSM parameter (SecureString, decrypted); lib/config/ssm-parameters.ts implements it over a ParametersReader (lib/aws/ssm.ts). */
export interface ParameterReader {
  (name: string): Promise<string>;
  /** Drops a cached value, so the next read asks SSM at once (after the service refused the old value). */
  forget?(name: string): void;
}

/** Reads several SSM parameters (SecureString, decrypted) in one go; a name that does not exist is absent from the result. */
export type ParametersReader = (names: readonly string[]) => Promise<ReadonlyMap<string, string>>;

/**
 * Where a secret comes from: the environment when it is set there (the local stack), otherwise the SSM parameter
 * named by `<NAME>_PARAMETER` (deployed stages: the value never appears in the template or the function's
 * configuration). Undefined when neither is configured. Read at cold start; the SSM read itself waits for first use.
 */
export type SecretSource = { value: string } | { parameter: string } | undefined;

export function readSecretSource(env: Env, name: string): SecretSource {
  const direct = env[name];
  if (direct !== undefined && direct !== '') return { value: direct };
  const parameter = env[`${name}_PARAMETER`];
  return parameter === undefined || parameter === '' ? undefined : { parameter };
}

export async function resolveSecret(source: SecretSource, readParameter: ParameterReader): Promise<string | undefined> {
  if (source === undefined) return undefined;
  if ('value' in source) return source.value;
  try {
    return await readParameter(source.parameter);
  } catch (cause) {
    throw secretsUnreadable([source.parameter], cause);
  }
}

/** The one error for secrets SSM would not give us, wherever they are read: a dependency failure, retried. */
export function secretsUnreadable(parameters: readonly string[], cause: unknown): DependencyError {
  return new DependencyError(`could not read SSM parameter ${parameters.join(', ')}`, { cause });
}
