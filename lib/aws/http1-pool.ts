import net, { type Socket } from 'node:net';
import tls from 'node:tls';

/** An HTTP answer, whatever its status: header names in lower case, repeated headers joined with `, `. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface Http1Timeouts {
  /** To open a connection (TCP, and TLS for https). */
  connectionMs: number;
  /** For the exchange once connected: from the request's write to the answer's last byte. */
  requestMs: number;
}

/** No connection, or no whole answer, within its deadline. */
export class HttpTimeoutError extends Error {
  override name = 'HttpTimeoutError';
}

/** What node:http's client rejects with when a connection ends without a whole answer: `socket hang up`, code ECONNRESET. */
const hangUp = (message: string) => Object.assign(new Error(`socket hang up (${message})`), { code: 'ECONNRESET' });
/** An answer that is not HTTP/1.1 as we read it (node:http's parser errors have codes starting `HPE_`). */
const malformed = (message: string) => Object.assign(new Error(message), { code: 'HPE_INVALID' });

export type Http1Post = (url: URL, headers: Readonly<Record<string, string>>, body: string, timeouts: Http1Timeouts) => Promise<HttpAnswer>;

/** Idle connections kept per origin, as the keep-alive agent it replaces kept at most 50 sockets. */
const MAX_IDLE = 50;
const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/**
 * POSTs over kept-alive HTTP/1.1 connections written with node:net and node:tls alone: one request at a time per
 * connection, the same request bytes and answers as node:http's client with a keep-alive agent, at a fraction of its
 * CPU per exchange (node:http builds a request object, an agent queue, a parser and two streams per exchange).
 * An answer is read by Content-Length, chunked transfer coding, or up to the connection's end; a connection goes back
 * to the pool only after a whole answer that did not say `connection: close`, and leaves it as soon as the server
 * closes it. No retries here: the callers decide (lib/aws/aws-json-client.ts, lib/aws/sns-publish.ts). `ca`: trust
 * this certificate instead of Node's CA store (tests).
 */
export function createHttp1Pool(options: { ca?: string } = {}): Http1Post {
  const idle = new Map<string, Connection[]>();
  const release = (origin: string, connection: Connection) => {
    const list = idle.get(origin) ?? [];
    if (list.length >= MAX_IDLE) return connection.socket.destroy();
    // As node:http's agent does: a connection waiting in the pool does not keep the process alive.
    connection.socket.unref();
    list.push(connection);
    idle.set(origin, list);
    connection.onIdleEnd = () => {
      const at = list.indexOf(connection);
      if (at !== -1) list.splice(at, 1);
    };
  };
  return async (url, headers, body, timeouts) => {
    const request = requestText(url, headers, body); // before taking a connection: a refused header leaves none in use
    const origin = `${url.protocol}//${url.host}`;
    let connection: Connection | undefined;
    for (let list = idle.get(origin); list !== undefined && list.length > 0 && connection === undefined; ) {
      const candidate = list.pop()!;
      if (!candidate.socket.destroyed && candidate.socket.writable) connection = candidate;
    }
    connection ??= openConnection(url, timeouts.connectionMs, options.ca);
    connection.onIdleEnd = undefined;
    connection.socket.ref();
    const used = connection;
    return used.exchange(request, timeouts.requestMs).then((answer) => {
      if (used.reusable) release(origin, used);
      else used.socket.destroy();
      return answer;
    });
  };
}

function requestText(url: URL, headers: Readonly<Record<string, string>>, body: string): string {
  let text = `POST ${url.pathname || '/'}${url.search} HTTP/1.1\r\n`;
  for (const name in headers) {
    const value = headers[name]!;
    if (/[\r\n]/.test(value) || /[\r\n:]/.test(name)) throw new TypeError(`header ${JSON.stringify(name)} holds a line break`);
    text += `${name}: ${value}\r\n`;
  }
  return `${text}\r\n${body}`;
}

interface Connection {
  socket: Socket;
  /** False once the connection must not carry another request (closed, cut, `connection: close`). */
  reusable: boolean;
  /** Told when the server closes the connection while it waits in the pool. */
  onIdleEnd: (() => void) | undefined;
  exchange(request: string, requestMs: number): Promise<HttpAnswer>;
}

function openConnection(url: URL, connectionMs: number, ca: string | undefined): Connection {
  const https = url.protocol === 'https:';
  const port = Number(url.port || (https ? 443 : 80));
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const socket: Socket = https
    ? tls.connect({ host, port, ...(net.isIP(host) === 0 && { servername: host }), ALPNProtocols: ['http/1.1'], ...(ca !== undefined && { ca }) })
    : net.connect({ host, port });
  socket.setNoDelay(true);
  let buffered: Buffer | undefined;
  let current: { resolve(answer: HttpAnswer): void; reject(error: Error): void; requestMs: number; timer?: NodeJS.Timeout } | undefined;
  const connection: Connection = { socket, reusable: true, onIdleEnd: undefined, exchange };
  // The request's deadline runs from its write on an open connection, or from the connection's opening.
  const startClock = () => {
    const waiting = current;
    if (waiting !== undefined) waiting.timer = setTimeout(() => fail(new HttpTimeoutError(`no answer within ${waiting.requestMs} ms`)), waiting.requestMs);
  };

  let connected = false;
  let connectTimer: NodeJS.Timeout | undefined = setTimeout(() => socket.destroy(new HttpTimeoutError(`no connection within ${connectionMs} ms`)), connectionMs);
  socket.once(https ? 'secureConnect' : 'connect', () => {
    connected = true;
    clearTimeout(connectTimer);
    connectTimer = undefined;
    startClock();
  });

  const settle = (outcome: { answer: HttpAnswer } | { error: Error }) => {
    const waiting = current;
    current = undefined;
    if (waiting === undefined) return;
    clearTimeout(waiting.timer);
    if ('answer' in outcome) waiting.resolve(outcome.answer);
    else waiting.reject(outcome.error);
  };
  const fail = (error: Error) => {
    connection.reusable = false;
    clearTimeout(connectTimer);
    socket.destroy();
    settle({ error });
  };

  socket.on('data', (chunk: Buffer) => {
    if (current === undefined) return fail(malformed('bytes from the server while no request was pending'));
    buffered = buffered === undefined ? chunk : Buffer.concat([buffered, chunk]);
    let parsed: ReturnType<typeof parseAnswer>;
    try {
      parsed = parseAnswer(buffered, false);
    } catch (error) {
      return fail(error as Error);
    }
    if (parsed === undefined) return;
    if (parsed.rest > 0 || /(^|,)\s*close\s*(,|$)/i.test(parsed.answer.headers.connection ?? '')) connection.reusable = false;
    buffered = undefined;
    settle({ answer: parsed.answer });
  });
  socket.on('end', () => {
    connection.reusable = false;
    if (current === undefined) return socket.destroy();
    // An answer without a length ends with the connection.
    let parsed: ReturnType<typeof parseAnswer>;
    try {
      parsed = buffered === undefined ? undefined : parseAnswer(buffered, true);
    } catch (error) {
      return fail(error as Error);
    }
    if (parsed === undefined) return fail(hangUp(buffered === undefined ? 'closed without an answer' : 'the answer was cut short'));
    buffered = undefined;
    socket.destroy();
    settle({ answer: parsed.answer });
  });
  socket.on('error', fail);
  // Every way a connection ends comes here last: one waiting in the pool leaves it (until then, a destroyed or
  // half-closed one is skipped when taken).
  socket.on('close', () => {
    connection.onIdleEnd?.();
    fail(hangUp(connected ? 'closed before the answer was complete' : 'closed before it was established'));
  });

  function exchange(request: string, requestMs: number): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      if (current !== undefined) return reject(new Error('one request at a time on a connection'));
      current = { resolve, reject, requestMs };
      if (connected) startClock();
      socket.write(request);
    });
  }
  return connection;
}

/**
 * One whole answer off the front of `bytes`, or undefined while more bytes are needed. `ended`: the connection is
 * closed, so an answer with neither a length nor chunked coding ends here. Interim (1xx) answers are skipped.
 * `rest`: bytes after the answer (a server that sent more than asked: the connection is not used again).
 */
export function parseAnswer(bytes: Buffer, ended: boolean): { answer: HttpAnswer; rest: number } | undefined {
  let start = 0;
  for (;;) {
    const headEnd = bytes.indexOf(HEADER_END, start);
    if (headEnd === -1) {
      if (bytes.length - start > 64 * 1024) throw malformed('an answer head over 64 KB');
      return undefined;
    }
    const lines = bytes.toString('latin1', start, headEnd).split('\r\n');
    const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!);
    if (statusLine === null) throw malformed(`not an HTTP/1.1 answer: ${JSON.stringify(lines[0]!.slice(0, 40))}`);
    const status = Number(statusLine[1]);
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i]!.indexOf(':');
      if (colon <= 0) throw malformed('a malformed answer header');
      const name = lines[i]!.slice(0, colon).trim().toLowerCase();
      const value = lines[i]!.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const bodyStart = headEnd + 4;
    if (status >= 100 && status < 200) {
      start = bodyStart;
      continue;
    }
    let body: Buffer;
    let end: number;
    if (status === 204 || status === 304) {
      body = Buffer.alloc(0);
      end = bodyStart;
    } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const chunked = readChunked(bytes, bodyStart);
      if (chunked === undefined) return undefined;
      ({ body, end } = chunked);
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (!/^\d+$/.test(headers['content-length'])) throw malformed(`an answer with Content-Length ${JSON.stringify(headers['content-length'])}`);
      end = bodyStart + length;
      if (bytes.length < end) return undefined;
      body = bytes.subarray(bodyStart, end);
    } else {
      if (!ended) return undefined;
      body = bytes.subarray(bodyStart);
      end = bytes.length;
    }
    return { answer: { status, headers, text: body.toString('utf8') }, rest: bytes.length - end };
  }
}

/** A chunked body from `from` on (chunk extensions and trailers skipped), or undefined while incomplete. */
function readChunked(bytes: Buffer, from: number): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const lineEnd = bytes.indexOf(CRLF, at);
    if (lineEnd === -1) return undefined;
    const sizeText = bytes.toString('latin1', at, lineEnd).split(';', 1)[0]!.trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw malformed(`a malformed chunk size ${JSON.stringify(sizeText.slice(0, 20))}`);
    const size = parseInt(sizeText, 16);
    if (size === 0) {
      // The last chunk; then trailers, if any, and an empty line.
      const next = lineEnd + 2;
      if (bytes.length < next + 2) return undefined;
      if (bytes[next] === 13 && bytes[next + 1] === 10) return { body: Buffer.concat(parts), end: next + 2 };
      const trailersEnd = bytes.indexOf(HEADER_END, next);
      return trailersEnd === -1 ? undefined : { body: Buffer.concat(parts), end: trailersEnd + 4 };
    }
    const dataEnd = lineEnd + 2 + size;
    if (bytes.length < dataEnd + 2) return undefined;
    parts.push(bytes.subarray(lineEnd + 2, dataEnd));
    at = dataEnd + 2;
  }
}
