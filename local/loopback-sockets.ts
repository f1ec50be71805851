import net from 'node:net';

/**
 * Local stack only: a function thread's plain-HTTP requests to an emulator go over the emulator's Unix socket
 * instead of loopback TCP (local/serve-on-loopback.mjs listens on both). Same requests, same answers, same endpoint
 * URLs and Host headers (signatures unchanged); the kernel's TCP work per exchange, about a fifth of the CPU an
 * exchange costs client and server together on this machine, is left out. Keyed by `host:port`; any other
 * destination (a chaos fault proxy, SignalWire's stand-in, HTTPS) connects as before. The functions' AWS transport
 * opens its connections with `net.connect` (lib/aws/http1-pool.ts): that is what is routed.
 */
export function routeLoopbackToSockets(sockets: Readonly<Record<string, string>>): void {
  if (Object.keys(sockets).length === 0) return;
  const connect = net.connect;
  net.connect = function routedConnect(...args: unknown[]) {
    const { host, port, path } = (typeof args[0] === 'object' && args[0] !== null ? args[0] : {}) as { host?: string; port?: number | string; path?: string };
    const socketPath = path === undefined && host !== undefined ? sockets[`${host}:${port}`] : undefined;
    return socketPath === undefined ? (connect as (...a: unknown[]) => net.Socket)(...args) : connect(socketPath, args[1] as () => void);
  } as typeof net.connect;
}

/** `host:port` of an emulator's endpoint -> its socket path, for the emulators that have one. */
export function socketsOf(emulators: readonly { endpoint: string; socketPath?: string }[]): Record<string, string> {
  return Object.fromEntries(emulators.flatMap((e) => (e.socketPath ? [[new URL(e.endpoint).host, e.socketPath]] : [])));
}
