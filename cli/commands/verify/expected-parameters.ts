import type { FunctionView } from './stage-view';

/** One SSM parameter a function of the stage reads: a setting's `<SETTING>_PARAMETER` (lib/config/secrets.ts). */
export interface ExpectedParameter {
  /** The SSM name (`/signalwire-webhooks/prod/signing-key`). */
  name: string;
  /** The setting it holds (`SIGNALWIRE_SIGNING_KEY`). */
  setting: string;
  /** The functions that read it. */
  functions: string[];
}

/**
 * Every parameter named by a function's `*_PARAMETER` variable, once, with the functions reading it. A setting given
 * directly in a function's environment is not read from SSM (lib/config/secrets.ts), so it expects no parameter.
 */
export function expectedParameters(functions: readonly FunctionView[]): ExpectedParameter[] {
  const byName = new Map<string, ExpectedParameter>();
  for (const fn of functions) {
    for (const [variable, value] of Object.entries(fn.env)) {
      if (!variable.endsWith('_PARAMETER') || value.trim() === '') continue;
      const setting = variable.slice(0, -'_PARAMETER'.length);
      if ((fn.env[setting] ?? '').trim() !== '') continue;
      const name = value.trim();
      const entry = byName.get(name) ?? { name, setting, functions: [] };
      entry.functions.push(fn.name);
      byName.set(name, entry);
    }
  }
  return [...byName.values()];
}

/** The parameter a function reads a setting from; undefined when it reads none. */
export function parameterOf(fn: FunctionView | undefined, setting: string): string | undefined {
  const name = fn?.env[`${setting}_PARAMETER`]?.trim();
  return name && (fn?.env[setting] ?? '').trim() === '' ? name : undefined;
}
