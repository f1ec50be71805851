// Serves an emulator's or stand-in's node:http server the local stack's way, wherever it runs (a process of its own,
// local/emulator-main.mjs, or the stack's own, local/stack.ts): on a free loopback port; through the lean HTTP front
// (local/lean-http-front.mjs) with `lean`; behind the AWS call recorder (local/aws-call-recorder.mjs) with
// `recordCallsTo`; and on a Unix socket for the function threads (local/loopback-sockets.ts) unless LOCAL_SOCKETS=off.
// Resolves to the port clients are to use, the socket's path (none where no socket can be made: a temporary folder
// too long or not writable), and close(), which resolves once the server itself has closed.
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const listen = (server, where) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof where === 'string') server.listen(where, resolve);
    else server.listen(0, '127.0.0.1', resolve);
  });

export async function serveOnLoopback(kind, server, { lean = false, recordCallsTo } = {}) {
  // The server listens too (on a port nobody is given), so that its own close() still shuts it down as before.
  await listen(server);
  const { createLeanFront } = lean ? await import('./lean-http-front.mjs') : {};
  const listening = lean ? createLeanFront(server) : server;
  if (listening !== server) await listen(listening);
  let front = listening;
  if (recordCallsTo) {
    const { createRecordingProxy } = await import('./aws-call-recorder.mjs');
    front = createRecordingProxy(listening.address().port, recordCallsTo);
    await listen(front);
  }
  const port = front.address().port;
  let socket;
  if (process.env.LOCAL_SOCKETS !== 'off') {
    const path = join(tmpdir(), `webhooks-${kind}-${process.pid}-${port}.sock`);
    rmSync(path, { force: true });
    let unix;
    if (front === listening && lean) unix = createLeanFront(server);
    else {
      unix = createServer();
      for (const listener of front.listeners('request')) unix.on('request', listener);
    }
    if (await listen(unix, path).then(() => true, () => false)) socket = unix;
  }
  return {
    port,
    socketPath: socket?.address(),
    close() {
      for (const other of new Set([socket, front, listening])) {
        if (other === undefined || other === server) continue;
        other.closeAllConnections?.();
        other.close();
      }
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
