// Runs one invocation of a packaged handler the way the Lambda Node.js runtime does: `_HANDLER` (`functions/ingest.handler`)
// names the module under LAMBDA_TASK_ROOT (tried as .js, .mjs, then .cjs) and its export; the event is read from stdin;
// the handler is called with the event and a Lambda context (argument 2: the function's timeout in ms). The outcome, `{ result }` or `{ error }`, is written as JSON
// to file descriptor 3 (stdout and stderr stay the function's logs), then the process exits at once, as Lambda freezes
// a sandbox once its handler has answered.
import { randomUUID } from 'node:crypto';
import { existsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.env.LAMBDA_TASK_ROOT ?? '';
const [modulePath, exportName] = splitHandler(process.env._HANDLER ?? '');
const file = ['.js', '.mjs', '.cjs']
  .map((extension) => join(root, modulePath + extension))
  .find((candidate) => existsSync(candidate));
if (file === undefined)
  report({ error: { name: 'Runtime.ImportModuleError', message: `Cannot find module '${modulePath}' under ${root}` } });

let event = '';
for await (const chunk of process.stdin) event += chunk;
const started = Date.now();
const timeoutMs = Number(process.argv[2] ?? 0); // the function's Timeout, for getRemainingTimeInMillis
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? '';
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:${functionName}`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
  awsRequestId: randomUUID(),
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
  getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
};

try {
  const handler = (await import(pathToFileURL(/** @type {string} */ (file)).href))[exportName];
  if (typeof handler !== 'function')
    report({
      error: { name: 'Runtime.HandlerNotFound', message: `${process.env._HANDLER} is undefined or not exported` },
    });
  report({ result: (await handler(JSON.parse(event), context)) ?? null });
} catch (error) {
  report({
    error: {
      name: error instanceof Error ? error.name : 'Error',
      message: error instanceof Error ? error.message : String(error),
    },
  });
}

/** `functions/ingest.handler` -> [`functions/ingest`, `handler`]. */
function splitHandler(handler) {
  const dot = handler.lastIndexOf('.');
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

function report(outcome) {
  writeSync(3, JSON.stringify(outcome));
  process.exit(0);
}
