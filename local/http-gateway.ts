import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { localRequestRefusal, ownOrigins } from './gateway-guard';
import { withTimeout } from './timeout';

type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
export interface HttpRoute {
  method: string;
  path: string;
  handler: HttpHandler;
  timeoutMs: number;
}

// API Gateway HTTP APIs take at most 10 MiB; bigger requests never reach a Lambda.
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A local stand-in for API Gateway (HTTP API, payload 2.0): matches the serverless.yml routes (literal paths
 * before `{param}` ones, as API Gateway does), builds the same event and writes the handler's result back. It
 * refuses what a web page could send it (local/gateway-guard.ts): another Host, or a cross-site browser request.
 */
export function createHttpGateway(options: { publicBaseUrl?: string } = {}): {
  server: Server;
  setRoutes(routes: HttpRoute[]): void;
} {
  // Undefined until the routes are loaded: a request then gets 503 (retry), never a 404 that says "wrong URL".
  let matchers: (ReturnType<typeof pathPattern> & { route: HttpRoute })[] | undefined;
  const setRoutes = (routes: HttpRoute[]) => {
    matchers = [...routes]
      .sort((a, b) => Number(a.path.includes('{')) - Number(b.path.includes('{')))
      .map((route) => ({ route, ...pathPattern(route.path) }));
  };

  let origins: string[] = [];
  const server = createServer(async (req, res) => {
    const refusal = localRequestRefusal(req.headers, origins);
    if (refusal !== undefined) return send(res, { statusCode: 403, body: JSON.stringify({ message: refusal }) });
    if (matchers === undefined)
      return send(res, {
        statusCode: 503,
        headers: { 'retry-after': '1' },
        body: JSON.stringify({ message: 'Service Unavailable' }),
      });
    const url = new URL(req.url ?? '/', 'http://local');
    let match: NonNullable<typeof matchers>[number] | undefined;
    let found: RegExpExecArray | null = null;
    for (const m of matchers) {
      if (m.route.method !== req.method) continue;
      found = m.regex.exec(url.pathname);
      if (found !== null) {
        match = m;
        break;
      }
    }
    if (!match || !found) return send(res, { statusCode: 404, body: JSON.stringify({ message: 'Not Found' }) });
    const pathParameters = decodePathParameters(match.names, found);
    if (pathParameters === null)
      return send(res, { statusCode: 400, body: JSON.stringify({ message: 'Bad Request' }) });
    const body = await readBody(req).catch(() => undefined);
    if (body === undefined)
      return send(res, { statusCode: 413, body: JSON.stringify({ message: 'Request Entity Too Large' }) });
    const event = toEvent(req, url, match.route, body, pathParameters);
    try {
      send(res, await withTimeout(match.route.handler(event), match.route.timeoutMs));
    } catch {
      send(res, { statusCode: 500, body: JSON.stringify({ message: 'Internal Server Error' }) });
    }
  });
  server.on('listening', () => {
    const address = server.address();
    if (address !== null && typeof address === 'object') origins = ownOrigins(address.port, options.publicBaseUrl);
  });
  return { server, setRoutes };
}

function pathPattern(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const segments = path.split('/').map((segment) => {
    const param = /^\{(\w+)\}$/.exec(segment);
    if (!param) return segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
    names.push(param[1]!);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${segments.join('/')}$`), names };
}

function decodePathParameters(names: string[], found: RegExpExecArray): Record<string, string> | undefined | null {
  if (names.length === 0) return undefined;
  try {
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1]!)]));
  } catch {
    return null; // not valid percent-encoding
  }
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  route: HttpRoute,
  body: Buffer,
  pathParameters?: Record<string, string>,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    headers[name] = Array.isArray(value) ? value.join(',') : String(value);
  // The query exactly as sent (URL.search would re-encode quotes and angle brackets, changing what was signed).
  const rawUrl = req.url ?? '';
  const rawQueryString = rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '';
  const queryStringParameters: Record<string, string> = {};
  for (const [k, v] of url.searchParams)
    queryStringParameters[k] = queryStringParameters[k] === undefined ? v : `${queryStringParameters[k]},${v}`;
  const text = body.length === 0 ? undefined : asText(body);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString,
    headers,
    ...(rawQueryString && { queryStringParameters }),
    ...(pathParameters && { pathParameters }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: route.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    // Valid UTF-8 travels as text, anything else base64-encoded, so the handler sees the exact bytes.
    ...(body.length > 0 && { body: text ?? body.toString('base64') }),
    isBase64Encoded: body.length > 0 && text === undefined,
  };
}

function asText(body: Buffer): string | undefined {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new Error('too large'));
        req.resume();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body =
    result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  res.writeHead(result.statusCode ?? 200, {
    'content-type': 'application/json',
    ...(result.headers as Record<string, string>),
  });
  res.end(body);
}
