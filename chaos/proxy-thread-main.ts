import { parentPort, workerData } from 'node:worker_threads';
import { startFaultProxy, type FaultCounts, type FaultKind, type FaultProxy, type FaultRates } from './fault-proxy';
import type { UploadCounts } from './proxy-thread';
import { seededRandom } from './scenario/delivery';

// The fault proxies' thread (chaos/proxy-thread.ts): one proxy per name, its own event loop, seeded fault rolls.
const { names, streaming, uploadsThrough, rates, latencyMs, seed, firstFaults } = workerData as {
  names: string[];
  firstFaults: Record<string, FaultKind>;
  streaming: string[];
  uploadsThrough?: string;
  rates: FaultRates;
  latencyMs: number;
  seed: number;
};
const counts: FaultCounts = {};
const uploads: UploadCounts = {};
const random = seededRandom(seed);
const proxies = new Map<string, FaultProxy>();
for (const name of names)
  proxies.set(
    name,
    await startFaultProxy({
      name,
      rates,
      latencyMs,
      random,
      counts,
      stream: streaming.includes(name),
      firstFault: firstFaults[name],
      ...(name === uploadsThrough && { onAnswered: countUpload }),
    }),
  );
const port = parentPort!;
port.on('message', async (message: { type: string; id: number; name?: string; url?: string }) => {
  if (message.type === 'target') proxies.get(message.name!)!.setTarget(message.url!);
  if (message.type === 'close') await Promise.all([...proxies.values()].map((p) => p.close()));
  port.postMessage({ type: 'done', id: message.id, counts, uploads });
  if (message.type === 'close') port.close();
});
port.postMessage({ type: 'ready', endpoints: Object.fromEntries([...proxies].map(([name, p]) => [name, p.endpoint])) });

/**
 * An upload S3 completed, by object key (path-style: /<bucket>/<key>): a PutObject (a PUT that is not a part) or a
 * CompleteMultipartUpload (a POST with uploadId) answered 200; `delivered` when its answer reached the copier.
 */
function countUpload(request: { method: string; url: string }, status: number, delivered: boolean): void {
  if (status !== 200) return;
  const url = new URL(request.url, 'http://s3');
  const put = request.method === 'PUT' && !url.searchParams.has('partNumber') && !url.searchParams.has('uploadId');
  const complete = request.method === 'POST' && url.searchParams.has('uploadId');
  if (!put && !complete) return;
  const key = url.pathname.split('/').slice(2).map(decodeURIComponent).join('/');
  const tally = uploads[key] ?? { completed: 0, delivered: 0 };
  uploads[key] = tally;
  tally.completed++;
  if (delivered) tally.delivered++;
}
