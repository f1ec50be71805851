import { Agent } from 'node:http';
import net from 'node:net';

/**
 * Local stack only: a function thread's plain-HTTP requests to an emulator go over the emulator's Unix socket
 * instead of loopback TCP (local/emulator-main.mjs listens on both). Same requests, same answers, same endpoint
 * URLs and Host headers (signatures unchanged); the kernel's TCP work per exchange, about a fifth of the CPU an
 * exchange costs client and server together on this machine, is left out. Keyed by `host:port`; any other
 * destination (a chaos fault proxy, SignalWire's stand-in, HTTPS) connects as before. Both ways a connection is
 * opened are routed: node:http's agents (the SDK clients) and `net.connect` (our AWS transport, lib/aws/http1-pool.ts).
 */
export function routeLoopbackToSockets(sockets: Readonly<Record<string, string>>): void {
  if (Object.keys(sockets).length === 0) return;
  const socketFor = (options: unknown) => {
    const { host, port, path } = (typeof options === 'object' && options !== null ? options : {}) as { host?: string; port?: number | string; path?: string };
    return path === undefined && host !== undefined ? sockets[`${host}:${port}`] : undefined;
  };
  const original = Agent.prototype.createConnection;
  Agent.prototype.createConnection = function createConnection(this: Agent, options: { host?: string; port?: number | string }, callback?: () => void) {
    const path = socketFor(options);
    return path === undefined ? original.call(this, options as never, callback as never) : net.connect(path, callback);
  } as typeof original;
  const connect = net.connect;
  net.connect = function routedConnect(...args: unknown[]) {
    const path = socketFor(args[0]);
    return path === undefined ? (connect as (...a: unknown[]) => net.Socket)(...args) : connect(path, args[1] as () => void);
  } as typeof net.connect;
}

/** `host:port` of an emulator's endpoint -> its socket path, for the emulators that have one. */
export function socketsOf(emulators: readonly { endpoint: string; socketPath?: string }[]): Record<string, string> {
  return Object.fromEntries(emulators.flatMap((e) => (e.socketPath ? [[new URL(e.endpoint).host, e.socketPath]] : [])));
}
