import type { IncomingHttpHeaders } from 'node:http';

/**
 * What the local gateway refuses before routing, because a web page could send it: `npm start` listens on a fixed
 * loopback port, and any page a developer visits can post a cross-site form there (a real, billed auto-reply) or
 * read it through DNS rebinding (its Host is then the attacker's name). SignalWire (through a tunnel) and curl send
 * neither a foreign Host nor the browser's cross-site markers, and keep working.
 */
export function localRequestRefusal(headers: IncomingHttpHeaders, ownOrigins: readonly string[]): string | undefined {
  const hosts = ownOrigins.map((origin) => new URL(origin).host);
  if (!hosts.includes(String(headers.host ?? '').toLowerCase()))
    return "host not allowed: send requests to the stack's own address or the configured public base URL";
  if (headers['sec-fetch-site'] === 'cross-site') return 'cross-site browser request refused';
  const origin = headers.origin;
  if (origin !== undefined && origin !== 'null' && !ownOrigins.includes(origin.toLowerCase()))
    return 'cross-origin browser request refused';
  if (origin === 'null') return 'cross-origin browser request refused';
  return undefined;
}

/** The stack's own origins: its loopback names on its port, and the public base URL's (a tunnel) when one is set. */
export function ownOrigins(port: number, publicBaseUrl: string | undefined): string[] {
  const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
  if (publicBaseUrl !== undefined && publicBaseUrl !== '') origins.push(new URL(publicBaseUrl).origin);
  return origins;
}
