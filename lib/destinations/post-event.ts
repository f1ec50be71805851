import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pinnedLookup } from '../security/pinned-lookup';

/** One POST of an event to a destination, to the address its host was checked at. */
export interface PostRequest {
  url: URL;
  /** Connect here (lib/security/outbound-url.ts approved it); the URL's name stays the Host and the TLS name. */
  address: string;
  headers: Readonly<Record<string, string>>;
  body: string;
  /** The whole exchange, from connecting to the end of the answer's body (as far as it is read). */
  timeoutMs: number;
  /** The answer's body is read up to this many bytes (for the dead letter's reason); the rest is never read. */
  maxBodyBytes: number;
}

/** How a POST ended: an answer (any status, redirects not followed), no answer in time, or no connection. */
export type PostOutcome =
  | { kind: 'answered'; status: number; body: string; retryAfter?: string }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'network'; message: string };

export type PostEvent = (request: PostRequest) => Promise<PostOutcome>;

/**
 * POSTs with node:http(s), never following a redirect (a 3xx is an answer like any other), on a connection of its own
 * (no pool: a pooled socket may lead to an address another check approved). Resolves, never rejects. An answer whose
 * headers came in time but whose body did not is still an answer: the receiver has spoken.
 */
export const postEvent: PostEvent = (request) =>
  new Promise((resolve) => {
    let settled = false;
    let response: IncomingMessage | undefined;
    const chunks: Buffer[] = [];
    let read = 0;
    const settle = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
      req.destroy();
    };
    const answered = (answer: IncomingMessage) => {
      const retryAfter = answer.headers['retry-after'];
      settle({
        kind: 'answered',
        status: answer.statusCode ?? 0,
        body: Buffer.concat(chunks).toString('utf8'),
        ...(retryAfter !== undefined && { retryAfter }),
      });
    };
    const send = request.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      request.url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        lookup: pinnedLookup(request.address),
        agent: false,
      },
      (answer) => {
        response = answer;
        answer.on('data', (chunk: Buffer) => {
          const room = request.maxBodyBytes - read;
          if (room > 0) chunks.push(chunk.subarray(0, room));
          read += Math.min(room, chunk.length);
          if (read >= request.maxBodyBytes) answered(answer);
        });
        answer.on('end', () => answered(answer));
        // Cut after the headers: what came is the answer.
        answer.on('error', () => answered(answer));
        answer.on('close', () => answered(answer));
      },
    );
    const timer = setTimeout(
      () => (response ? answered(response) : settle({ kind: 'timeout', timeoutMs: request.timeoutMs })),
      request.timeoutMs,
    );
    req.on('error', (error) => settle({ kind: 'network', message: networkMessage(error) }));
    req.end(request.body);
  });

/** The error's code and message (ECONNREFUSED, a TLS certificate error, ...): what the dead letter's reason says. */
function networkMessage(error: Error): string {
  const code = (error as { code?: string }).code;
  return code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
