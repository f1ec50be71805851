/**
 * The exact public URL SignalWire called, rebuilt from an API Gateway HTTP API (payload 2.0) event: signatures cover
 * it byte for byte. Only API Gateway's own request context is trusted; Host, X-Forwarded-Host and friends are
 * attacker-controlled behind API Gateway and are read only by the local development server.
 */

/** The part of `APIGatewayProxyEventV2` the reconstruction reads. */
export interface HttpApiRequestLine {
  rawPath: string;
  rawQueryString: string;
  headers: Readonly<Record<string, string | undefined>>;
  requestContext: { domainName: string; stage: string };
}

export interface PublicUrlOptions {
  /**
   * The configured public base URL (custom domain plus any base path), e.g. `https://hooks.example.com/prefix`.
   * Replaces scheme, host and stage prefix.
   */
  publicBaseUrl?: string | undefined;
  /** Local development server: `http://` + Host header. Never set this in a deployed stage. */
  local?: boolean | undefined;
}

export function reconstructPublicUrl(event: HttpApiRequestLine, options: PublicUrlOptions = {}): string {
  const query = event.rawQueryString === '' ? '' : `?${event.rawQueryString}`;
  const rawPath = reencodePath(event.rawPath);
  if (options.local === true) {
    return `http://${event.headers.host ?? 'localhost'}${rawPath}${query}`;
  }
  if (options.publicBaseUrl !== undefined && options.publicBaseUrl !== '') {
    const { origin, basePath } = splitBaseUrl(options.publicBaseUrl);
    return origin + withPrefix(basePath, rawPath) + query;
  }
  const { domainName, stage } = event.requestContext;
  const stagePrefix = stage === '$default' || stage === '' ? '' : `/${stage}`;
  return `https://${domainName}${withPrefix(stagePrefix, rawPath)}${query}`;
}

const NOT_LITERAL_IN_PATH = /[^\x21-\x7e]|["#<>?`{}]/u;
const EVERY_NOT_LITERAL_IN_PATH = new RegExp(NOT_LITERAL_IN_PATH.source, 'gu');

/**
 * HTTP APIs hand over `rawPath` percent-decoded. Characters that cannot appear literally in a URL path (space,
 * non-ASCII, controls, `"#<>?`{}`) are encoded back, upper-case hex as senders write it; an already encoded path is
 * left as it is. Best effort: an encoded `/` or lower-case hex in the signed URL cannot be recovered.
 */
function reencodePath(rawPath: string): string {
  if (!NOT_LITERAL_IN_PATH.test(rawPath)) return rawPath;
  return rawPath.replace(EVERY_NOT_LITERAL_IN_PATH, (character) =>
    [...Buffer.from(character, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/**
 * Prepends `prefix` unless the path already starts with it as a whole segment: HTTP APIs put a named stage (and a
 * custom domain's mapping key) in `rawPath` themselves, and adding it twice would change the signed URL.
 */
function withPrefix(prefix: string, rawPath: string): string {
  if (prefix === '') return rawPath;
  const alreadyPrefixed =
    rawPath.startsWith(prefix) && (rawPath.length === prefix.length || rawPath[prefix.length] === '/');
  return alreadyPrefixed ? rawPath : prefix + rawPath;
}

function splitBaseUrl(publicBaseUrl: string): { origin: string; basePath: string } {
  const trimmed = publicBaseUrl.replace(/\/+$/, '');
  const authorityStart = trimmed.indexOf('://');
  const pathStart = authorityStart === -1 ? -1 : trimmed.indexOf('/', authorityStart + 3);
  if (pathStart === -1) return { origin: trimmed, basePath: '' };
  return { origin: trimmed.slice(0, pathStart), basePath: trimmed.slice(pathStart) };
}
