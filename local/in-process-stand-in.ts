import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator, EmulatorOptions } from './emulators';

const listen = (server: Server, where: number | string) =>
  new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    if (typeof where === 'string') server.listen(where, () => resolve(true));
    else server.listen(where, '127.0.0.1', () => resolve(true));
  });

/**
 * Serves one of our own stand-ins (SNS) from this process, the local stack's gateway thread, as local/emulator-main.mjs
 * serves an emulator from a process of its own: on a free loopback port, behind the call recorder when asked, and on
 * a Unix socket for the function threads (local/loopback-sockets.ts) unless LOCAL_SOCKETS=off.
 */
export async function serveHere(kind: string, server: Server, options: EmulatorOptions): Promise<Emulator> {
  if (!(await listen(server, 0))) throw new Error(`the ${kind} stand-in could not listen`);
  let front = server;
  if (options.recordCallsTo) {
    // @ts-expect-error: a JavaScript module of our own, without types
    const { createRecordingProxy } = (await import('./aws-call-recorder.mjs')) as { createRecordingProxy(port: number, file: string): Server };
    front = createRecordingProxy((server.address() as AddressInfo).port, options.recordCallsTo);
    if (!(await listen(front, 0))) throw new Error(`the ${kind} call recorder could not listen`);
  }
  let unix: Server | undefined;
  if (process.env.LOCAL_SOCKETS !== 'off') {
    const path = join(tmpdir(), `webhooks-${kind}-${process.pid}-${(front.address() as AddressInfo).port}.sock`);
    rmSync(path, { force: true });
    const candidate = createServer();
    for (const listener of front.listeners('request')) candidate.on('request', listener as never);
    if (await listen(candidate, path)) unix = candidate;
  }
  const close = (s: Server) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); });
  return {
    endpoint: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
    ...(unix && { socketPath: String(unix.address()) }),
    async stop() {
      await Promise.all([...new Set([server, front, ...(unix ? [unix] : [])])].map(close));
    },
  };
}
