#!/usr/bin/env node
// The `webhooks` operator CLI. Runs the TypeScript sources directly through tsx (a dev dependency of this repo).
process.removeAllListeners('warning');
const { register } = await import('tsx/esm/api');
register();
await import('../cli/main.ts');
