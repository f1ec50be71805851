import { Agent, request } from 'node:http';
import { signDelivery } from '../lib/security/sign-delivery';
import type { Delivery } from './scenario';

export interface SendResult {
  delivery: Delivery;
  /** Answered 2xx on some try. */
  acked: boolean;
  /** Never posted: SignalWire gave up on it (its retries failed), so nothing acknowledged it. */
  dropped?: true;
  tries: number;
  /** The last answer's status, or `timeout` / `error`. */
  last: number | string;
  /** SWML fetches: the answer was a SWML document. */
  document?: boolean;
}

export interface SenderOptions {
  baseUrl: string;
  signingKey: string;
  concurrency: number;
  maxTries?: number;
  /** First retry delay; doubled for each further try (SignalWire backs off exponentially). */
  backoffMs?: number;
  /** Per try, as SignalWire gives up on a slow answer. */
  timeoutMs?: number;
  /** Deliveries (by id) SignalWire gives up on: not posted, answered by nobody. */
  dropped?: ReadonlySet<number>;
  /** Called as each delivery comes up, before it is posted or given up on. */
  onSend?(delivery: Delivery, dropped: boolean): void;
  onProgress?(done: number): void;
}

/**
 * Posts every delivery like SignalWire: signed for the exact URL, `concurrency` at a time in the given order; an
 * answer that is not 2xx, a reset or a timeout is tried again after an exponential backoff, up to `maxTries`. A
 * delivery in `dropped` is not posted at all: SignalWire gave up on it before it reached us.
 */
export async function sendAll(sends: Delivery[], options: SenderOptions): Promise<SendResult[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const results: SendResult[] = new Array(sends.length);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < sends.length) {
      const index = next++;
      const delivery = sends[index]!;
      const dropped = options.dropped?.has(delivery.id) === true;
      options.onSend?.(delivery, dropped);
      results[index] = dropped
        ? { delivery, acked: false, dropped: true, tries: 0, last: 'dropped' }
        : await deliver(delivery, options, agent);
      options.onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  agent.destroy();
  return results;
}

async function deliver(delivery: Delivery, options: SenderOptions, agent: Agent): Promise<SendResult> {
  const maxTries = options.maxTries ?? 5;
  const url = `${options.baseUrl}${delivery.path}`;
  const headers: Record<string, string> = {
    ...(delivery.contentType && { 'content-type': delivery.contentType }),
    ...signDelivery({ url, contentType: delivery.contentType, body: delivery.body }, options.signingKey),
  };
  let last: number | string = 'none';
  for (let tries = 1; ; tries++) {
    const answer = await post(url, delivery, headers, agent, options.timeoutMs ?? 10_000);
    last = answer.status;
    if (typeof answer.status === 'number' && answer.status >= 200 && answer.status < 300) {
      return {
        delivery,
        acked: true,
        tries,
        last,
        ...(delivery.effect.kind === 'swml' && { document: isSwmlDocument(answer.body) }),
      };
    }
    if (tries >= maxTries) return { delivery, acked: false, tries, last };
    await new Promise((resolve) => setTimeout(resolve, (options.backoffMs ?? 200) * 2 ** (tries - 1)));
  }
}

function post(
  url: string,
  delivery: Delivery,
  headers: Record<string, string>,
  agent: Agent,
  timeoutMs: number,
): Promise<{ status: number | string; body: string }> {
  return new Promise((resolve) => {
    const req = request(url, { method: delivery.method, headers, agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve({ status: 'error', body: '' }));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ status: 'timeout', body: '' });
    });
    req.on('error', () => resolve({ status: 'error', body: '' }));
    req.end(delivery.method === 'POST' ? delivery.body : undefined);
  });
}

function isSwmlDocument(body: string): boolean {
  try {
    const doc = JSON.parse(body) as { version?: unknown; sections?: { main?: unknown } };
    return typeof doc.version === 'string' && Array.isArray(doc.sections?.main);
  } catch {
    return false;
  }
}
