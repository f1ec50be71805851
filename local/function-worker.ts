import { parentPort, workerData } from 'node:worker_threads';
import type { FunctionThreadOptions } from './function-thread';
import { invocationContext } from './lambda-context';
import { pollerSqs, startSqsEventSource, type EventSource } from './sqs-event-source';

// Thread entry of local/function-thread.ts: process.env here is the function's own environment.
const options = workerData as FunctionThreadOptions;
const port = parentPort!;
try {
  const exported = (await import(options.moduleUrl))[options.exportName];
  if (typeof exported !== 'function') throw new Error(`${options.moduleUrl} exports no ${options.exportName}`);
  const handler = (event: unknown) => exported(event, invocationContext(options.name, options.timeoutMs));
  let source: EventSource | undefined;
  let report: NodeJS.Timeout | undefined;
  if (options.eventSource) {
    const credentials = {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY!,
    };
    source = startSqsEventSource({
      ...options.eventSource,
      sqs: pollerSqs(options.eventSource.sqsEndpoint, credentials, process.env.AWS_REGION),
      handler,
      onError: (error) => port.postMessage({ type: 'error', error: String(error) }),
    });
    report = setInterval(() => port.postMessage({ type: 'stats', stats: source!.stats }), 250);
  }
  const stopSource = async (abandonReceives = false) => {
    clearInterval(report);
    await source?.stop({ abandonReceives });
    if (source) port.postMessage({ type: 'source-stopped', stats: source.stats });
  };
  port.on('message', async (message: { type: string; id?: number; event?: unknown }) => {
    if (message.type === 'invoke') {
      try {
        port.postMessage({ type: 'result', id: message.id, result: await handler(message.event) });
      } catch (error) {
        port.postMessage({ type: 'result', id: message.id, error: String(error) });
      }
    } else if (message.type === 'stop-source') await stopSource();
    else if (message.type === 'stop') {
      // The whole stack stops, its queues with it: no receive needs to finish.
      await stopSource(true);
      port.close();
      process.exit(0); // ends this thread only; the function's keep-alive sockets would hold it open
    }
  });
  port.postMessage({ type: 'ready' });
} catch (error) {
  port.postMessage({ type: 'failed', error: String(error) });
}
