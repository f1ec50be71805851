#!/usr/bin/env node
// The `webhooks` operator CLI (cli/main.ts). Its TypeScript and packages are bundled by esbuild into
// node_modules/.cache/ on the first run, and again whenever a source file or the installed packages change
// (local/bundle-cache.mjs): a command then starts in about 0.37 s, against more than 1 s compiling every module through tsx.
// Where that cache cannot be written, tsx runs the sources directly.
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
