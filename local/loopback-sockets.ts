import { Agent } from 'node:http';
import { connect } from 'node:net';

/**
 * Local stack only: a function thread's plain-HTTP requests to an emulator go over the emulator's Unix socket
 * instead of loopback TCP (local/emulator-main.mjs listens on both). Same requests, same answers, same endpoint
 * URLs and Host headers (signatures unchanged); the kernel's TCP work per exchange, about a fifth of the CPU an
 * exchange costs client and server together on this machine, is left out. Keyed by `host:port`; any other
 * destination (a chaos fault proxy, SignalWire's stand-in, HTTPS) connects as before.
 */
export function routeLoopbackToSockets(sockets: Readonly<Record<string, string>>): void {
  if (Object.keys(sockets).length === 0) return;
  const original = Agent.prototype.createConnection;
  Agent.prototype.createConnection = function createConnection(this: Agent, options: { host?: string; port?: number | string }, callback?: () => void) {
    const path = sockets[`${options.host}:${options.port}`];
    return path === undefined ? original.call(this, options as never, callback as never) : connect(path, callback);
  } as typeof original;
}

/** `host:port` of an emulator's endpoint -> its socket path, for the emulators that have one. */
export function socketsOf(emulators: readonly { endpoint: string; socketPath?: string }[]): Record<string, string> {
  return Object.fromEntries(emulators.flatMap((e) => (e.socketPath ? [[new URL(e.endpoint).host, e.socketPath]] : [])));
}
