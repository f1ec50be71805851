import { parentPort, workerData } from 'node:worker_threads';
import { startFaultProxy, type FaultCounts, type FaultProxy, type FaultRates } from './fault-proxy';
import { seededRandom } from './scenario/delivery';

// The fault proxies' thread (chaos/proxy-thread.ts): one proxy per name, its own event loop, seeded fault rolls.
const { names, rates, latencyMs, seed } = workerData as {
  names: string[];
  rates: FaultRates;
  latencyMs: number;
  seed: number;
};
const counts: FaultCounts = {};
const random = seededRandom(seed);
const proxies = new Map<string, FaultProxy>();
for (const name of names) proxies.set(name, await startFaultProxy({ name, rates, latencyMs, random, counts }));
const port = parentPort!;
port.on('message', async (message: { type: string; id: number; name?: string; url?: string }) => {
  if (message.type === 'target') proxies.get(message.name!)!.setTarget(message.url!);
  if (message.type === 'close') await Promise.all([...proxies.values()].map((p) => p.close()));
  port.postMessage({ type: 'done', id: message.id, counts });
  if (message.type === 'close') port.close();
});
port.postMessage({ type: 'ready', endpoints: Object.fromEntries([...proxies].map(([name, p]) => [name, p.endpoint])) });
