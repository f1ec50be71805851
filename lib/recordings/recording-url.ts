import { isIP } from 'node:net';
import { PermanentError } from '../errors';
import { parseIpAddress } from '../security/ip-address';

/** Resolves a host name to every address it has (node:dns lookup with `all`). */
export type ResolveHost = (host: string) => Promise<string[]>;

/**
 * The recording URL a copy may fetch, or a PermanentError saying why not (SSRF): https only, and every address its
 * host resolves to must be public (not loopback, private, link-local, unique-local, CGNAT, multicast or unspecified).
 * `allowLoopback` (local stack and tests only) lets http://127.0.0.1 and ::1 through.
 */
export async function checkRecordingUrl(text: string, resolve: ResolveHost, allowLoopback = false): Promise<URL> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PermanentError('recording url is not a URL');
  }
  if (url.username !== '' || url.password !== '') throw new PermanentError('recording url carries credentials');
  const plainHttpAllowed = allowLoopback && url.protocol === 'http:';
  if (url.protocol !== 'https:' && !plainHttpAllowed)
    throw new PermanentError(`recording url is not https (${url.protocol})`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) !== 0 ? [host] : await resolveOrFail(resolve, host);
  if (allowLoopback && addresses.every((address) => classify(address) === 'loopback')) return url;
  if (plainHttpAllowed) throw new PermanentError(`recording url is not https (${url.protocol})`);
  for (const address of addresses) {
    const kind = classify(address);
    if (kind !== 'public') throw new PermanentError(`recording url host ${host} is ${kind} (${address}): refused`);
  }
  return url;
}

async function resolveOrFail(resolve: ResolveHost, host: string): Promise<string[]> {
  const addresses = await resolve(host);
  if (addresses.length === 0) throw new PermanentError(`recording url host ${host} does not resolve`);
  return addresses;
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
