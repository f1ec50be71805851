// The entry of every worker thread that runs TypeScript (local/typescript-thread.ts): Node 20 does not run a
// thread's entry through the parent's TypeScript loader, so this registers tsx, then loads the module the thread was
// started for (its first argv).
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2]);
