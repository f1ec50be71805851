/** URL facts the signature schemes depend on, read with string operations so the URL is never normalised. */

const SCHEME_AND_AUTHORITY = /^(https?):\/\/([^/?#]*)/i;
const TRAILING_PORT = /:(\d+)$/;

/**
 * The URL as given, plus the same URL with the default port added (when it has none) or removed (when it names the
 * default one): SignalWire backends disagree on whether `:443`/`:80` is part of the signed URL. Other ports are kept.
 */
export function defaultPortVariants(url: string): string[] {
  const match = SCHEME_AND_AUTHORITY.exec(url);
  if (match === null) return [url];
  const [schemeAndAuthority, scheme = '', authority = ''] = match;
  const defaultPort = scheme.toLowerCase() === 'https' ? '443' : '80';
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  if (host === '') return [url];
  const authorityEnd = schemeAndAuthority.length;
  // An IPv6 literal ends with `]`, so its colons never look like a port here.
  const port = TRAILING_PORT.exec(host)?.[1];
  if (port === undefined) {
    return [url, `${url.slice(0, authorityEnd)}:${defaultPort}${url.slice(authorityEnd)}`];
  }
  if (port === defaultPort) {
    return [url, url.slice(0, authorityEnd - port.length - 1) + url.slice(authorityEnd)];
  }
  return [url];
}

/** The `bodySHA256` query parameter of the URL, if any (its presence switches Scheme B to "URL + body hash"). */
export function bodySha256QueryParam(url: string): string | undefined {
  if (!url.includes('bodySHA256')) return undefined;
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return undefined;
  const fragmentStart = url.indexOf('#', queryStart);
  const query = url.slice(queryStart + 1, fragmentStart === -1 ? undefined : fragmentStart);
  return new URLSearchParams(query).get('bodySHA256') ?? undefined;
}
