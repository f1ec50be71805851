import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The faults the proxy injects, each on its own share of the requests. */
export const FAULT_KINDS = ['reset', 'server_error', 'throttle', 'latency', 'response_dropped'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type FaultRates = Record<FaultKind, number>;
export type FaultCounts = Record<string, Record<FaultKind, number>>;

export interface FaultProxy {
  endpoint: string;
  /** Where requests go; settable after start (the emulators' ports are known only once the stack runs). */
  setTarget(url: string): void;
  /** Off: every request is forwarded untouched. */
  setEnabled(enabled: boolean): void;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Counted under this name (sqs, dynamodb, signalwire, ssm, sns, s3, recordings). */
  name: string;
  rates: FaultRates;
  /** How long a `latency` request is held before it is forwarded: beyond the callers' timeouts. */
  latencyMs: number;
  random: () => number;
  counts: FaultCounts;
  /**
   * The fault of the first request, whatever the rolls: a dependency called seldom (the bus, once per batch) still
   * sees one in a short run.
   */
  firstFault?: FaultKind;
  /**
   * Answers streamed to the caller as they arrive instead of read whole first (the recording server's downloads): a
   * download cut at its source reaches the caller cut, after the bytes sent so far.
   */
  stream?: boolean;
  /**
   * Told of each request the target answered: `delivered` when the answer was passed on to the caller (not dropped,
   * the caller still connected). The S3 proxy counts the uploads S3 completed with it.
   */
  onAnswered?(request: { method: string; url: string }, status: number, delivered: boolean): void;
}

/**
 * An HTTP proxy in front of one dependency that fails like the real thing, from outside the code under test:
 * - reset: the connection is dropped before the request is forwarded (nothing happened);
 * - server_error / throttle: an error answer shaped like the service's own (AWS JSON `__type`, AWS query XML, S3's
 *   XML `Error`, or SignalWire's JSON), so SDKs classify it as they would on AWS (transient, throttling);
 * - latency: the request is held `latencyMs`, then forwarded (it takes effect, maybe after the caller gave up);
 * - response_dropped: forwarded, the answer awaited (the write happened), then the connection is reset.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  let target: URL | undefined;
  let enabled = true;
  let firstDone = false;
  const counts =
    options.counts[options.name] ?? (Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>);
  options.counts[options.name] = counts;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set<Socket>();
  const server = createServer(async (req, res) => {
    const body = await readAll(req).catch(() => undefined);
    if (body === undefined || target === undefined) return void req.socket.destroy();
    const first = options.firstFault !== undefined && !firstDone;
    firstDone = true;
    const fault = !enabled ? undefined : first ? options.firstFault : pick(options.rates, options.random());
    if (fault) counts[fault]++;
    if (fault === 'reset') return void req.socket.destroy();
    if (fault === 'server_error' || fault === 'throttle') return sendError(res, req.headers, body, fault);
    if (fault === 'latency') await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    if (options.stream) return streamThrough(target, req, res, body, agent, fault === 'response_dropped', options);
    let answer: { status: number; headers: IncomingHttpHeaders; body: Buffer };
    try {
      answer = await forward(target, req, body, agent);
    } catch {
      return void req.socket.destroy();
    }
    const request = { method: req.method ?? 'GET', url: req.url ?? '/' };
    if (fault === 'response_dropped' || req.socket.destroyed) {
      options.onAnswered?.(request, answer.status, false);
      return void req.socket.destroy();
    }
    res.writeHead(answer.status, stripHopHeaders(answer.headers));
    res.end(answer.body);
    options.onAnswered?.(request, answer.status, true);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket)).on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setTarget: (url) => {
      target = new URL(url);
    },
    setEnabled: (on) => {
      enabled = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      }),
  };
}

function pick(rates: FaultRates, roll: number): FaultKind | undefined {
  let edge = 0;
  for (const kind of FAULT_KINDS) {
    edge += rates[kind];
    if (roll < edge) return kind;
  }
  return undefined;
}

/**
 * Forwards the request as it arrived: method, raw path and query, raw header lines (Host included: the caller signed
 * the host it sent to, and the AWS front behind checks the signature over it) and the body bytes; only the
 * hop-by-hop headers, which describe the caller's connection, are left out.
 */
function forward(
  target: URL,
  req: IncomingMessage,
  body: Buffer,
  agent: Agent,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: forwardedHeaders(req),
        agent,
      },
      (response) => {
        readAll(response).then(
          (data) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: data }),
          reject,
        );
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/**
 * `forward` for a streaming proxy: the answer's headers and bytes go to the caller as they arrive, and an answer that
 * ends early (its source cut the connection) resets the caller's connection, so the caller sees the cut. `dropped`:
 * the whole answer is read (the source sent it all), then the caller's connection is reset.
 */
function streamThrough(
  target: URL,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  agent: Agent,
  dropped: boolean,
  options: FaultProxyOptions,
): void {
  const request = { method: req.method ?? 'GET', url: req.url ?? '/' };
  const upstream = httpRequest(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: forwardedHeaders(req),
      agent,
    },
    (response) => {
      const status = response.statusCode ?? 502;
      if (dropped || req.socket.destroyed) {
        const reset = () => {
          options.onAnswered?.(request, status, false);
          req.socket.destroy();
        };
        return void readAll(response).then(reset, reset);
      }
      res.writeHead(status, stripHopHeaders(response.headers));
      response.pipe(res);
      response.on('close', () => {
        if (!response.complete) req.socket.destroy();
        else options.onAnswered?.(request, status, true);
      });
      response.on('error', () => req.socket.destroy());
      // The caller gone (it gave up): the download from the source stops too.
      res.once('close', () => {
        if (!response.complete) response.destroy();
      });
    },
  );
  upstream.on('error', () => req.socket.destroy());
  upstream.end(body);
}

/** The caller's raw header lines, the hop-by-hop ones left out (see forward). */
function forwardedHeaders(req: IncomingMessage): string[] {
  const headers: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!HOP_BY_HOP.has(req.rawHeaders[i]!.toLowerCase())) headers.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  return headers;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade']);

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function stripHopHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const { connection: _c, 'keep-alive': _k, 'transfer-encoding': _t, ...rest } = headers;
  return rest;
}

/** The error the real service answers, in its own protocol (see docs/testing.md, chaos run for the shapes). */
function sendError(
  res: ServerResponse,
  headers: IncomingHttpHeaders,
  body: Buffer,
  fault: 'server_error' | 'throttle',
): void {
  const requestId = randomUUID();
  const amzTarget = String(headers['x-amz-target'] ?? '');
  const contentType = String(headers['content-type'] ?? '');
  if (amzTarget !== '') {
    // AWS JSON protocols (DynamoDB 1.0, SQS 1.0 query-compatible, SSM 1.1): the error type is `__type`.
    const service = amzTarget.split('.')[0] ?? '';
    const dynamo = service.startsWith('DynamoDB');
    const sqs = service === 'AmazonSQS';
    const type =
      fault === 'throttle'
        ? dynamo
          ? 'ProvisionedThroughputExceededException'
          : sqs
            ? 'RequestThrottled'
            : 'ThrottlingException'
        : dynamo
          ? 'InternalServerError'
          : 'InternalFailure';
    const prefix = dynamo ? 'com.amazonaws.dynamodb.v20120810#' : sqs ? 'com.amazonaws.sqs#' : '';
    res.writeHead(fault === 'throttle' ? 400 : 500, {
      'content-type': contentType || 'application/x-amz-json-1.0',
      'x-amzn-requestid': requestId,
      ...(sqs && { 'x-amzn-query-error': `${type};${fault === 'throttle' ? 'Sender' : 'Receiver'}` }),
    });
    return void res.end(
      JSON.stringify({
        __type: `${prefix}${type}`,
        message: fault === 'throttle' ? 'Rate exceeded' : 'We encountered an internal error. Please try again.',
      }),
    );
  }
  if (headers['x-amz-content-sha256'] !== undefined) {
    // S3 (REST-XML; every SigV4 request to S3 carries x-amz-content-sha256): an XML Error, SlowDown when throttling.
    const [status, code, message] =
      fault === 'throttle'
        ? [503, 'SlowDown', 'Please reduce your request rate.']
        : [500, 'InternalError', 'We encountered an internal error. Please try again.'];
    res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId });
    return void res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
    );
  }
  if (contentType.includes('x-www-form-urlencoded') && /(^|&)Action=/.test(body.toString())) {
    // AWS query protocol (SNS): an XML ErrorResponse.
    const [status, type, code] =
      fault === 'throttle' ? [400, 'Sender', 'Throttling'] : [500, 'Receiver', 'InternalError'];
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
    return void res.end(
      `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${code}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
  // The SignalWire (Compatibility) REST API, and the host it serves recordings from: its JSON error body.
  const status = fault === 'throttle' ? 429 : 503;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      code: status,
      message: fault === 'throttle' ? 'Too many requests' : 'Service unavailable',
      more_info: 'https://developer.signalwire.com',
      status,
    }),
  );
}
