import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface SeenRequest {
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A real loopback HTTP server standing in for an AWS service: each request answered by the next of `answers` (the
 * last repeats), every request kept in `seen`.
 */
export async function scriptedServer(
  answers: ((response: ServerResponse) => void)[],
): Promise<{ url: string; seen: SeenRequest[]; server: Server }> {
  const seen: SeenRequest[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ headers: request.headers, body });
      answers[Math.min(seen.length, answers.length) - 1]!(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, seen, server };
}
