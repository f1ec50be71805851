// Runs one emulator or stand-in in a process of its own, so the local stack spreads over the machine's cores:
//   node local/emulator-main.mjs dynamodb [DATA_DIR] | sqs | ssm | sns
// Prints `listening <port> [<unix socket path>]` once ready; exits when its parent's stdin closes (the parent died or stopped it).
// With AWS_CALLS_FILE set, a recording proxy (local/aws-call-recorder.mjs) listens in front of it instead.
import { mkdirSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [kind, dataDir] = process.argv.slice(2);
const listen = (server) => new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
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
// The emulators answer the stack's requests through a lighter HTTP front (local/lean-http-front.mjs) unless LEAN_HTTP=off.
const lean = process.env.LEAN_HTTP !== 'off' && (kind === 'dynamodb' || kind === 'sqs');
const { createLeanFront } = lean ? await import('./lean-http-front.mjs') : {};
// The emulator's own server listens too (on a port nobody is given), so that its close() still shuts it down as before.
await listen(server);
const listening = lean ? createLeanFront(server) : server;
if (listening !== server) await listen(listening);
let front = listening;
if (process.env.AWS_CALLS_FILE) {
  const { createRecordingProxy } = await import('./aws-call-recorder.mjs');
  front = createRecordingProxy(listening.address().port, process.env.AWS_CALLS_FILE);
  await listen(front);
}
if (sqsService) sqsService.PORT = front.address().port;
// The same service on a Unix socket too, for the local function threads (local/loopback-sockets.ts); LOCAL_SOCKETS=off: TCP only.
let socket;
if (process.env.LOCAL_SOCKETS !== 'off') {
  const path = join(tmpdir(), `webhooks-${kind}-${process.pid}.sock`);
  rmSync(path, { force: true });
  let unix;
  if (front === listening && lean) unix = createLeanFront(server);
  else {
    unix = createHttpServer();
    for (const listener of front.listeners('request')) unix.on('request', listener);
  }
  // A temporary folder where no socket can be made (too long a path, no permission): TCP only, as before.
  if (await new Promise((resolve) => unix.once('error', () => resolve(false)).listen(path, () => resolve(true)))) socket = unix;
}
process.stdout.write(`listening ${front.address().port}${socket ? ` ${socket.address()}` : ''}\n`);
const stop = () => {
  if (socket) {
    socket.closeAllConnections?.();
    socket.close();
  }
  for (const other of new Set([front, listening])) {
    if (other === server) continue;
    other.closeAllConnections?.();
    other.close();
  }
  server.closeAllConnections?.();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.stdin.on('end', stop).resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
