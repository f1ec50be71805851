import { ConfigError } from '../errors';
import type { ParametersReader, SecretSource } from './secrets';

export type { SecretSource };

type Env = Readonly<Record<string, string | undefined>>;

/**
 * One secret (the whole value, trimmed), or several as a JSON list (`["old","new"]`) during a rotation: nothing in
 * a secret can split it. A comma outside a JSON list is refused rather than guessed at: it is either an old-style
 * list or a secret that contains one, and guessing wrong would weaken the check (or refuse every delivery).
 */
export function secretListEnv(env: Env, name: string): string[] {
  const text = (env[name] ?? '').trim();
  if (text === '') return [];
  if (text.startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch {
      throw new ConfigError(`${name}: starts with [ but is not a JSON list`);
    }
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      !list.every((entry) => typeof entry === 'string' && entry.trim() !== '')
    ) {
      throw new ConfigError(`${name}: must be a JSON list of non-empty strings`);
    }
    return list.map((entry: string) => entry.trim());
  }
  if (text.includes(',')) {
    throw new ConfigError(
      `${name}: contains a comma; give one secret, or a JSON list (["old","new"]) during a rotation (a secret with a comma too: ["a,b"])`,
    );
  }
  return [text];
}

/** The secrets a source holds: none when it is not configured or its SSM parameter does not exist (that check is off). */
export async function resolveSecretList(source: SecretSource, readParameters: ParametersReader): Promise<string[]> {
  if (source === undefined) return [];
  if ('value' in source) return secretListEnv({ value: source.value }, 'value');
  const value = (await readParameters([source.parameter])).get(source.parameter);
  return value === undefined ? [] : secretListEnv({ [source.parameter]: value }, source.parameter);
}
