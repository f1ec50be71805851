import { errorMessage } from '../errors';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { type PostEvent, type PostOutcome, postEvent } from '../destinations/post-event';
import { eventPostHeaders } from '../destinations/sign-event';
import type { DomainEvent } from '../events/domain-event';
import { hostOf, type ResolveHost } from '../security/outbound-url';

/** Where `webhooks listen` forwards to, and how it signs. */
export interface ForwardTarget {
  url: URL;
  /** `whsec_...`: the session's Standard Webhooks secret. */
  secret: string;
}

export interface ForwardDeps {
  /** node:http(s) (lib/destinations/post-event.ts) and the system resolver unless given (tests). */
  post?: PostEvent;
  resolveHost?: ResolveHost;
  timeoutMs: number;
  now?: () => number;
}

/** One forward: the answer (or why there was none), and how long it took from resolving to the end of the answer. */
export interface Forwarded {
  outcome: PostOutcome;
  latencyMs: number;
}

/** What the answer's body is read up to: the listen line shows the status only. */
const MAX_BODY_BYTES = 1024;

/** Connecting failed before anything was sent: trying the host's next address cannot deliver the event twice. */
const NOT_CONNECTED = /\b(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|EAFNOSUPPORT)\b/;

/**
 * POSTs the event to the developer's URL as a destination gets it (lib/destinations/deliver-job.ts): the JSON text
 * signed and sent once, Standard Webhooks headers with the event's id as `webhook-id`, our User-Agent. No SSRF check:
 * the URL is the developer's own, typed on their machine (http and loopback are what it is for). A name is tried at
 * each address it resolves to until one accepts the connection, as a browser does, since `localhost` resolves to ::1
 * first on many systems while dev servers often listen on 127.0.0.1 only (post-event pins one address per try).
 */
export async function forwardEvent(event: DomainEvent, target: ForwardTarget, deps: ForwardDeps): Promise<Forwarded> {
  const now = deps.now ?? Date.now;
  const started = now();
  const done = (outcome: PostOutcome): Forwarded => ({ outcome, latencyMs: Math.max(0, now() - started) });
  const host = hostOf(target.url);
  let addresses: string[];
  try {
    addresses = isIP(host) !== 0 ? [host] : await (deps.resolveHost ?? resolveAll)(host);
  } catch (error) {
    return done({ kind: 'network', message: `could not resolve ${host}: ${errorMessage(error)}` });
  }
  const payload = JSON.stringify(event);
  const post = deps.post ?? postEvent;
  let outcome: PostOutcome = { kind: 'network', message: `${host} resolves to no address` };
  for (const address of addresses) {
    outcome = await post({
      url: target.url,
      address,
      headers: eventPostHeaders(target.secret, event.id, new Date(now()), payload),
      body: payload,
      timeoutMs: deps.timeoutMs,
      maxBodyBytes: MAX_BODY_BYTES,
    });
    if (outcome.kind !== 'network' || !NOT_CONNECTED.test(outcome.message)) break;
  }
  return done(outcome);
}

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((found) => found.address);
}
