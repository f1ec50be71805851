import type { SQSEvent } from 'aws-lambda';
import type { ProcessSourceOptions } from './event-source-process';
import { pollerSqs, startSqsEventSource } from './sqs-event-source';
import { invocationContext } from './lambda-context';
import { withTimeout } from './timeout';

// Child-process entry of local/event-source-process.ts: argv[2] holds the options (JSON, without the environment),
// the function's configuration is this process's environment. It exits when its parent's stdin closes.
const options = JSON.parse(process.argv[2] ?? '{}') as Omit<ProcessSourceOptions, 'env'>;
const mapping = options.eventSource;
const send = (message: unknown) => process.send?.(message);
try {
  const exported = (await import(options.moduleUrl))[options.exportName];
  if (typeof exported !== 'function') throw new Error(`${options.moduleUrl} exports no ${options.exportName}`);
  const handler = (event: SQSEvent) => exported(event, invocationContext(options.name, mapping.timeoutMs));
  // Like Lambda: an invocation that outlives its timeout takes its container down with it, so nothing it
  // still had running can act after its messages were handed to another invocation.
  const timed = (event: SQSEvent) =>
    withTimeout(Promise.resolve(handler(event)), mapping.timeoutMs).catch((error: unknown) => {
      if (error instanceof Error && error.message === `timed out after ${mapping.timeoutMs} ms`) {
        process.stderr.write(
          `event source: handler timed out after ${mapping.timeoutMs} ms; the process exits, as a Lambda container would\n`,
        );
        process.exit(70);
      }
      throw error;
    });
  // The mapping polls with the function's credentials, as Lambda's does.
  const credentials = {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID!,
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY!,
  };
  const source = startSqsEventSource({
    ...mapping,
    timeoutMs: mapping.timeoutMs + 1000,
    sqs: pollerSqs(mapping.sqsEndpoint, credentials, process.env.AWS_REGION),
    handler: timed,
    onError: (error) => send({ type: 'error', error: String(error) }),
  });
  const report = setInterval(() => send({ type: 'stats', stats: source.stats }), 250);
  const stop = async () => {
    clearInterval(report);
    await source.stop();
    send({ type: 'stats', stats: source.stats });
    process.exit(0);
  };
  process.on('message', (message) => message === 'stop' && void stop());
  process.stdin.on('end', () => process.exit(0)).resume();
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'failed', error: String(error) });
  process.exit(1);
}
