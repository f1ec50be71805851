import { ConfigError } from '../errors';

type Env = Record<string, string | undefined>;

/** Reads a required variable once, at cold start, failing loudly with its name. */
export function requireEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new ConfigError(`missing environment variable ${name}`);
  return value;
}

export function positiveIntEnv(env: Env, name: string, fallback: number): number {
  return integerEnv(env, name, fallback, 1, 'a positive integer');
}

/** Like positiveIntEnv, but 0 is allowed (e.g. a cache lifetime of 0: no caching). */
export function nonNegativeIntEnv(env: Env, name: string, fallback: number): number {
  return integerEnv(env, name, fallback, 0, 'a non-negative integer');
}

/** `true` or `false` (any case, spaces around ignored); blank means `fallback`; anything else is a ConfigError. */
export function booleanEnv(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase() ?? '';
  if (raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new ConfigError(`${name} must be "true" or "false", got "${env[name]}"`);
}

function integerEnv(env: Env, name: string, fallback: number, minimum: number, what: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) throw new ConfigError(`${name} must be ${what}, got "${raw}"`);
  return value;
}
