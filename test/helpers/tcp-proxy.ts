import { connect, createServer, type Socket } from 'node:net';

type ProxyMode = 'forward' | 'hang' | 'reset';

export interface TcpProxy {
  endpoint: string;
  /** Switches how connections are treated; open ones are cut, so pooled keep-alive sockets see the change too. */
  setMode(mode: ProxyMode): void;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy that makes a dependency fail for real, no mock: `forward` to the target, `hang` (accept and
 * never answer) or `reset` (accept and drop). Without a target it can only hang or reset.
 */
export async function startTcpProxy(target?: { port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = target ? 'forward' : 'hang';
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined).on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    track(client);
    if (mode === 'reset') return void client.destroy();
    if (mode === 'hang' || !target) return;
    const upstream = connect(target.port, '127.0.0.1');
    track(upstream);
    client.pipe(upstream).pipe(client);
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setMode(next) {
      mode = next;
      cutAll();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        cutAll();
      }),
  };
}
