// Runs one emulator or stand-in in a process of its own, so the local stack spreads over the machine's cores:
//   node local/emulator-main.mjs dynamodb [DATA_DIR] | sqs | ssm | sns | s3 [DATA_DIR]
// The emulators run as published (dynalite, local-aws-sqs, s3rver: local/s3-emulator.mjs), each with its own
// node:http server, behind the AWS front
// (local/serve-on-loopback.mjs): LOCAL_ACCESS_KEYS (JSON, access key id -> secret) are the only keys it accepts;
// with AWS_CALLS_FILE set, it records the calls it accepted there.
// Prints `listening <port>` once ready; exits when its parent's stdin closes (the parent died or stopped it).
import { mkdirSync } from 'node:fs';
import { serveOnLoopback } from './serve-on-loopback.mjs';

const [kind, dataDir] = process.argv.slice(2);
let server;
let sqsService; // its queue URLs name the port clients are to use: the front's
if (kind === 'dynamodb') {
  const { default: dynalite } = await import('dynalite');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(dataDir && { path: dataDir }) });
} else if (kind === 'sqs') {
  const { createRequestHandler } = await import('local-aws-sqs');
  const { createServer } = await import('node:http');
  const { countReceivesOnly } = await import('./sqs-receive-count.mjs');
  const emulator = createRequestHandler({ port: 0, hostname: '127.0.0.1', emulateQueueCreationLifecycle: false });
  sqsService = emulator.service;
  countReceivesOnly(sqsService);
  server = createServer(emulator.requestHandler);
} else if (kind === 'ssm') {
  const { createSsmStandIn } = await import('./ssm-stand-in.mjs');
  server = createSsmStandIn();
} else if (kind === 'sns') {
  const { createSnsStandIn } = await import('./sns-stand-in.mjs');
  server = createSnsStandIn();
} else if (kind === 's3') {
  const { createS3Emulator } = await import('./s3-emulator.mjs');
  server = createS3Emulator({ directory: dataDir, accessKeys: JSON.parse(process.env.LOCAL_ACCESS_KEYS || '{}') });
} else {
  console.error(`unknown emulator ${kind}`);
  process.exit(2);
}
const accessKeys = JSON.parse(process.env.LOCAL_ACCESS_KEYS || '{}');
const served = await serveOnLoopback(kind, server, {
  accessKeys,
  recordCallsTo: process.env.AWS_CALLS_FILE || undefined,
});
if (sqsService) sqsService.PORT = served.port;
process.stdout.write(`listening ${served.port}\n`);
const stop = () => {
  served.close().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
  setTimeout(() => process.exit(0), 2000).unref();
};
process.stdin.on('end', stop).resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
