import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createArchiveStore } from '../lib/archive/archive-store';
import type { Target } from '../cli/target';
import { buildConsoleAssets, type ConsoleAssets } from './assets';
import { startFeedBuffer } from './feed-buffer';
import { createConsoleRoutes } from './routes';
import { html } from './html';
import { navBar, page } from './views/layout';

export interface ConsoleServer {
  url: string;
  close(): Promise<void>;
}

const MAX_FORM_BYTES = 16 * 1024;

/**
 * The web console: an HTTP server on 127.0.0.1 only, reading the CLI's target (local stack or deployed stage) with
 * the operator's own credentials; nothing is deployed for it. Requests must name this very host (a page elsewhere
 * cannot reach it through DNS rebinding), and actions must carry the header the page's htmx sends (a cross-site
 * form cannot, so it cannot redrive or replay on the operator's behalf).
 */
export async function startConsoleServer(
  target: Target,
  options: { port?: number; onError?: (error: unknown) => void } = {},
): Promise<ConsoleServer> {
  const [assets, feed] = await Promise.all([
    buildConsoleAssets(),
    startFeedBuffer(createArchiveStore(target.table), { onError: options.onError }),
  ]);
  const route = createConsoleRoutes(target, feed);
  let allowedHosts: Set<string> = new Set();

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.onError?.(error);
      if (!response.headersSent)
        send(response, 500, 'text/plain', `console error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!allowedHosts.has(request.headers.host ?? '')) return send(response, 421, 'text/plain', 'wrong host');
    const url = new URL(request.url ?? '/', 'http://console');
    const method = request.method ?? 'GET';
    if (method === 'GET' && url.pathname.startsWith('/assets/'))
      return serveAsset(response, assets, url.pathname.slice('/assets/'.length));
    if (method === 'POST' && request.headers['x-console'] !== '1')
      return send(response, 403, 'text/plain', 'actions come from the console page');
    const form = method === 'POST' ? new URLSearchParams(await readBody(request)) : new URLSearchParams();
    const path = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const answer = await route({ method, path, query: url.searchParams, form });
    if (answer === undefined) return send(response, 404, 'text/plain', 'not found');
    if ('redirect' in answer) {
      // A pre-signed URL: never cached, and the console's address not sent along.
      response.writeHead(302, {
        location: answer.redirect,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      response.end();
      return;
    }
    // htmx navigation swaps the section alone; a direct visit (or reload) gets the whole page around it.
    const fromHtmx = request.headers['hx-request'] === 'true';
    const body =
      answer.section === undefined
        ? answer.body
        : fromHtmx
          ? html`${answer.body}${navBar(answer.section, true)}`
          : page(target.stage, answer.section, answer.body);
    send(response, 200, 'text/html; charset=utf-8', body.text);
  }

  await new Promise<void>((resolve, reject) =>
    server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await feed.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function serveAsset(response: ServerResponse, assets: ConsoleAssets, name: string): void {
  if (name !== 'app.js' && name !== 'app.css') {
    send(response, 404, 'text/plain', 'not found');
    return;
  }
  send(
    response,
    200,
    name.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
    assets[name],
  );
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, {
    'content-type': contentType,
    'cache-control': 'no-store',
    // Everything the page loads comes from here; no framing by other sites.
    'content-security-policy':
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
  });
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
