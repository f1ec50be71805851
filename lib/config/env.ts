import { ConfigError } from '../errors';

type Env = Record<string, string | undefined>;

/** Reads a required variable once, at cold start, failing loudly with its name. */
export function requireEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new ConfigError(`missing environment variable ${name}`);
  return value;
}

export function positiveIntEnv(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** Like positiveIntEnv, but 0 is allowed (e.g. a cache lifetime of 0: no caching). */
export function nonNegativeIntEnv(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}
