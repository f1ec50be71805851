import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveIntrinsics, type ResourceIndex } from './provision';
import type { LocalFunction } from './serverless-config';
import { PROJECT_ROOT } from './project-root';

/** The union of every function's environment; one process hosts them all, so a name must mean one value. */
export function functionEnvironment(provider: Record<string, unknown>, functions: LocalFunction[], index: ResourceIndex): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of [provider, ...functions.map((fn) => fn.environment)]) {
    for (const [name, value] of Object.entries(resolveIntrinsics(source, index) as Record<string, unknown>)) {
      const text = String(value);
      if (env[name] !== undefined && env[name] !== text) throw new Error(`local stack: ${name} differs between functions`);
      env[name] = text;
    }
  }
  return env;
}

export const moduleUrl = (fn: LocalFunction) => pathToFileURL(join(PROJECT_ROOT, `${fn.module}.ts`)).href;

export async function importHandler(fn: LocalFunction): Promise<any> {
  const module = await import(moduleUrl(fn));
  const handler = module[fn.exportName];
  if (typeof handler !== 'function') throw new Error(`local stack: ${fn.module}.ts exports no ${fn.exportName}`);
  return handler;
}
