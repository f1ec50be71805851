import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { PermanentError } from '../errors';
import { parseIpAddress } from './ip-address';

/** Resolves a host name to every address it has (node:dns lookup with `all`). */
export type ResolveHost = (host: string) => Promise<string[]>;

/** A URL we may call, and the addresses its host was checked at: connect to one of these, never resolve again. */
export interface CheckedUrl {
  url: URL;
  addresses: string[];
}

export interface OutboundUrlOptions {
  /** Names the URL in the errors, e.g. `recording url`. */
  what: string;
  /** http://127.0.0.1 and ::1 (and names resolving only to them) are let through: the local stack and tests only. */
  allowLoopback?: boolean;
}

/**
 * The guard of every URL the product fetches or posts to on someone else's say (a recording's URL from a webhook, a
 * destination an operator configured): SSRF. The URL must be https, carry no credentials, and every address its host
 * resolves to must be public (not loopback, private, link-local, unique-local, CGNAT, multicast or unspecified), or a
 * PermanentError says why not. The addresses are returned so the caller connects to one of them: resolving the name
 * again when connecting would let a DNS answer that changed meanwhile (rebinding) through.
 */
export async function checkOutboundUrl(
  text: string,
  resolve: ResolveHost,
  options: OutboundUrlOptions,
): Promise<CheckedUrl> {
  const { what, allowLoopback = false } = options;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PermanentError(`${what} is not a URL`);
  }
  if (url.username !== '' || url.password !== '') throw new PermanentError(`${what} carries credentials`);
  const plainHttpAllowed = allowLoopback && url.protocol === 'http:';
  if (url.protocol !== 'https:' && !plainHttpAllowed)
    throw new PermanentError(`${what} is not https (${url.protocol})`);
  const host = hostOf(url);
  const addresses = isIP(host) !== 0 ? [host] : await resolveOrFail(resolve, host, what);
  if (allowLoopback && addresses.every((address) => classify(address) === 'loopback')) return { url, addresses };
  if (plainHttpAllowed) throw new PermanentError(`${what} is not https (${url.protocol})`);
  for (const address of addresses) {
    const kind = classify(address);
    if (kind !== 'public') throw new PermanentError(`${what} host ${host} is ${kind} (${address}): refused`);
  }
  return { url, addresses };
}

/** The URL's host as a resolver or an address check takes it: an IPv6 literal without its brackets. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');

async function resolveOrFail(resolve: ResolveHost, host: string, what: string): Promise<string[]> {
  const addresses = await resolve(host);
  if (addresses.length === 0) throw new PermanentError(`${what} host ${host} does not resolve`);
  return addresses;
}

/**
 * The system resolver (node:dns lookup, every address). A name that does not exist (ENOTFOUND) is a PermanentError
 * when `notFoundIsFinal` (a recording's URL never starts to exist), a plain error otherwise (retried: a destination's
 * DNS may be down for a while).
 */
export function systemResolver(what: string, notFoundIsFinal: boolean): ResolveHost {
  return async (host) => {
    try {
      return (await lookup(host, { all: true })).map((a) => a.address);
    } catch (error) {
      if (notFoundIsFinal && (error as { code?: string }).code === 'ENOTFOUND')
        throw new PermanentError(`${what} host ${host} does not exist`);
      throw error;
    }
  };
}

type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'reserved';

/** What an address is, as an SSRF guard sees it (IPv4-mapped IPv6 judged as its IPv4). */
export function classify(address: string): AddressKind {
  const words = parseIpAddress(address);
  if (words === undefined) return 'reserved';
  const [a, b, c, d] = words;
  if (a === 0 && b === 0 && (c === 0 || c === 0xffff)) {
    if (c === 0 && d === 0) return 'reserved'; // ::
    if (c === 0 && d === 1) return 'loopback'; // ::1
    if (c === 0xffff) return classifyIpv4(d >>> 0);
  }
  // 64:ff9b::/96, NAT64: an IPv4 address behind a translator, judged as that address.
  if (a === 0x0064ff9b && b === 0 && c === 0) return classifyIpv4(d >>> 0);
  const first = a >>> 16;
  if ((first & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((first & 0xff00) === 0xff00) return 'reserved'; // multicast
  return 'public';
}

function classifyIpv4(ip: number): AddressKind {
  const octet = (n: number) => (ip >>> (24 - 8 * n)) & 0xff;
  const [a, b] = [octet(0), octet(1)];
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // CGNAT
  if (a === 0 || a >= 224) return 'reserved';
  return 'public';
}
