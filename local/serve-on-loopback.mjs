// Serves an emulator's or stand-in's node:http server the local stack's way, wherever it runs (a process of its own,
// local/emulator-main.mjs, or the stack's own, local/stack.ts): the server on a free loopback port that only its
// front knows, and in front of it, on the port clients are given, the AWS front (local/aws-front.mjs), which checks
// every request's signature as AWS does and records the calls to `recordCallsTo` when given.
// Resolves to the port clients are to use and close(), which resolves once the server itself has closed.

import { createAwsFront } from './aws-front.mjs';

/** The SigV4 service name each kind of emulator answers for. */
const SERVICE = { dynamodb: 'dynamodb', sqs: 'sqs', ssm: 'ssm', sns: 'sns', s3: 's3', events: 'events' };

/**
 * The SNS and EventBridge stand-ins' read-back of what was published (local/sns-stand-in.mjs,
 * local/eventbridge-stand-in.ts: GET /published, the bus's as `?bus=<name>`): no AWS API, so never signed.
 */
const isReadBack = (kind) => (req) =>
  (kind === 'sns' || kind === 'events') &&
  req.method === 'GET' &&
  (req.url === '/published' || (kind === 'events' && req.url.startsWith('/published?')));

const listen = (server) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });

export async function serveOnLoopback(kind, server, { accessKeys, recordCallsTo } = {}) {
  const service = SERVICE[kind];
  if (!service) throw new Error(`unknown emulator ${kind}`);
  if (!accessKeys) throw new Error('serveOnLoopback: the access keys to accept are required');
  await listen(server);
  const front = createAwsFront(server.address().port, {
    service,
    accessKeys,
    recordCallsTo,
    unsigned: isReadBack(kind),
  });
  await listen(front);
  return {
    port: front.address().port,
    close() {
      front.closeAllConnections();
      front.close();
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
