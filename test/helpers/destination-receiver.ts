import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the receiver answers one request: a status (with headers and body), or never (the caller's timeout). */
type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

interface ReceivedDelivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The answer given, or 'hang' (none: the connection was left open until the caller gave up). */
  answer: number | 'hang';
}

/**
 * A user's endpoint standing in for a destination, on a loopback port: each path answers with its script, one answer
 * per request (the last repeats; 200 when none), and keeps every request it received.
 */
export interface DestinationReceiver {
  url: string;
  received: ReceivedDelivery[];
  /** What `path` answers from now on: these, in order, the last one repeating. */
  script(path: string, ...answers: Answer[]): void;
  /** The requests `path` received, in order. */
  at(path: string): ReceivedDelivery[];
  close(): Promise<void>;
}

export async function startDestinationReceiver(): Promise<DestinationReceiver> {
  const scripts = new Map<string, Answer[]>();
  const received: ReceivedDelivery[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://receiver').pathname;
      const answers = scripts.get(path) ?? [];
      const answer: Answer = (answers.length > 1 ? answers.shift() : answers[0]) ?? { status: 200 };
      received.push({
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        answer: answer === 'hang' ? 'hang' : answer.status,
      });
      if (answer === 'hang') return;
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body ?? '');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    script: (path, ...answers) => void scripts.set(path, answers),
    at: (path) => received.filter((delivery) => delivery.path === path),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
