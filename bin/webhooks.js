#!/usr/bin/env node
// The `webhooks` operator CLI (cli/main.ts). Its TypeScript is bundled by esbuild into node_modules/.cache/ on the
// first run, and again whenever one of its source files changes (local/bundle-cache.mjs): a start then takes about
// half the time of compiling every module through tsx on each run. Where that cache cannot be written, tsx runs the
// sources directly.
process.removeAllListeners('warning');
const { cachedBundle } = await import('../local/bundle-cache.mjs');
const bundle = await cachedBundle(new URL('../cli/main.ts', import.meta.url)).catch(() => undefined);
if (bundle !== undefined) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
