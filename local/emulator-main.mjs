// Runs one emulator or stand-in in a process of its own, so the local stack spreads over the machine's cores:
//   node local/emulator-main.mjs dynamodb [DATA_DIR] | sqs | ssm | sns
// Prints `listening <port> [<unix socket path>]` once ready; exits when its parent's stdin closes (the parent died or stopped it).
// With AWS_CALLS_FILE set, a recording proxy (local/aws-call-recorder.mjs) listens in front of it instead.
import { mkdirSync } from 'node:fs';
import { serveOnLoopback } from './serve-on-loopback.mjs';

const [kind, dataDir] = process.argv.slice(2);
let server;
let sqsService; // its queue URLs name the port clients are to use: ours, or the recording proxy's
if (kind === 'dynamodb') {
  if (!dataDir) {
    const { installLeanStore } = await import('./dynalite-lean-store.mjs');
    installLeanStore(process.env.DYNALITE_LEAN_STORE);
  }
  const { default: dynalite } = await import('dynalite');
  const { installParseCache } = await import('./dynalite-parse-cache.mjs');
  installParseCache(process.env.DYNALITE_PARSE_CACHE);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(dataDir && { path: dataDir }) });
} else if (kind === 'sqs') {
  const { installImmediateReceive } = await import('./sqs-receive-now.mjs');
  installImmediateReceive(process.env.SQS_RECEIVE_NOW);
  const { createRequestHandler } = await import('local-aws-sqs');
  const { createServer } = await import('node:http');
  const emulator = createRequestHandler({ port: 0, hostname: '127.0.0.1', emulateQueueCreationLifecycle: false });
  sqsService = emulator.service;
  server = createServer(emulator.requestHandler);
} else if (kind === 'ssm') {
  const { createSsmStandIn } = await import('./ssm-stand-in.mjs');
  server = createSsmStandIn();
} else if (kind === 'sns') {
  const { createSnsStandIn } = await import('./sns-stand-in.mjs');
  server = createSnsStandIn();
} else {
  console.error(`unknown emulator ${kind}`);
  process.exit(2);
}
// Served on loopback and a Unix socket (local/serve-on-loopback.mjs); the emulators through a lighter HTTP front
// (local/lean-http-front.mjs) unless LEAN_HTTP=off.
const lean = process.env.LEAN_HTTP !== 'off' && (kind === 'dynamodb' || kind === 'sqs');
const served = await serveOnLoopback(kind, server, { lean, recordCallsTo: process.env.AWS_CALLS_FILE || undefined });
if (sqsService) sqsService.PORT = served.port;
process.stdout.write(`listening ${served.port}${served.socketPath ? ` ${served.socketPath}` : ''}\n`);
const stop = () => {
  served.close().then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.stdin.on('end', stop).resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
