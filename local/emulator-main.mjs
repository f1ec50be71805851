// Runs one emulator in a process of its own, so the local stack spreads over the machine's cores:
//   node local/emulator-main.mjs dynamodb [DATA_DIR] | sqs
// Prints `listening <port>` once ready; exits when its parent's stdin closes (the parent died or stopped it).
import { mkdirSync } from 'node:fs';

const [kind, dataDir] = process.argv.slice(2);
let server;
if (kind === 'dynamodb') {
  const { default: dynalite } = await import('dynalite');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(dataDir && { path: dataDir }) });
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
} else if (kind === 'sqs') {
  const { createSqsServer } = await import('local-aws-sqs');
  server = await createSqsServer({ port: 0, hostname: '127.0.0.1', emulateQueueCreationLifecycle: false });
} else {
  console.error(`unknown emulator ${kind}`);
  process.exit(2);
}
process.stdout.write(`listening ${server.address().port}\n`);
const stop = () => {
  server.closeAllConnections?.();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.stdin.on('end', stop).resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
