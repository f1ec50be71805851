// Worker-thread entry of chaos/proxy-thread.ts: Node 20 does not run a thread's entry through the parent's
// TypeScript loader, so register tsx here, then load the real entry.
import { register } from 'tsx/esm/api';

register();
await import('./proxy-thread-main.ts');
