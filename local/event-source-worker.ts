import { parentPort, workerData } from 'node:worker_threads';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ThreadedSourceOptions } from './event-source-thread';
import { startSqsEventSource } from './sqs-event-source';

// Thread entry of local/event-source-thread.ts.
const options = workerData as ThreadedSourceOptions;
const port = parentPort!;
try {
  const handler = (await import(options.moduleUrl))[options.exportName];
  if (typeof handler !== 'function') throw new Error(`${options.moduleUrl} exports no ${options.exportName}`);
  const sqs = new SQSClient({ endpoint: options.sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, md5: false, cacheMiddleware: true });
  const source = startSqsEventSource({ ...options, sqs, handler, onError: (error) => port.postMessage({ type: 'error', error: String(error) }) });
  const report = setInterval(() => port.postMessage({ type: 'stats', stats: source.stats }), 250);
  port.on('message', async (message) => {
    if (message !== 'stop') return;
    clearInterval(report);
    await source.stop();
    port.postMessage({ type: 'stopped', stats: source.stats });
    sqs.destroy();
    port.close();
  });
  port.postMessage({ type: 'ready' });
} catch (error) {
  port.postMessage({ type: 'failed', error: String(error) });
}
