import { ConfigError } from '../errors';

/**
 * Every URL the project hands to SignalWire (status callbacks, the public base URL webhooks are configured with) goes
 * through here: SignalWire would send signed deliveries, Basic credentials and message text to it, so it must be
 * https. Plain http is accepted only for a loopback host: the local stack and tests, where nothing leaves the machine.
 *
 * @param what names the setting in the error, e.g. `PUBLIC_BASE_URL`.
 * @returns the URL unchanged.
 * @throws ConfigError when it is not an absolute https URL (or http to loopback).
 */
export function requireHttpsUrl(url: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${what} is not an absolute URL`);
  }
  if (parsed.protocol === 'https:') return url;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return url;
  // The URL may carry Basic credentials: name the setting and the scheme, never the URL itself.
  throw new ConfigError(`${what} must be an https URL (http is accepted only for localhost), got ${parsed.protocol}//`);
}

/** `localhost` (and `*.localhost`, RFC 6761), 127.0.0.0/8 and ::1, as WHATWG URL normalises them. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
