import { ConfigError, DependencyError } from '../errors';
import { isTimeout } from './rest-responses';

/** Where and as whom the Compatibility API (and the Calling API, lib/signalwire/dial-call.ts) is reached. */
export interface SignalWireApiConfig {
  /** 'example.signalwire.com', 'https://example.signalwire.com', or 'http://127.0.0.1:1234' for a local stand-in. */
  spaceUrl: string;
  projectId: string;
  apiToken: string;
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 5_000;

/** The account's Compatibility API: its URLs, authenticated calls bounded in time, and token redaction. */
export interface AccountApi {
  url(resource: string): string;
  /** An absolute URL for a `next_page_uri`; refuses one on another origin. */
  sameOrigin(uri: string): string;
  call(
    operation: string,
    url: string,
    init: { method: string; body?: URLSearchParams },
  ): Promise<{ status: number; text: string; retryAfter?: string }>;
  redact(text: string): string;
}

export function createAccountApi(config: SignalWireApiConfig): AccountApi {
  const baseUrl = normalizeSpaceUrl(config.spaceUrl);
  if (typeof config.projectId !== 'string' || config.projectId.trim() === '')
    throw new ConfigError('signalwire projectId is missing');
  if (typeof config.apiToken !== 'string' || config.apiToken.trim() === '')
    throw new ConfigError('signalwire apiToken is missing');
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new ConfigError('signalwire timeoutMs must be a positive integer');
  const accountUrl = `${baseUrl}/api/laml/2010-04-01/Accounts/${encodeURIComponent(config.projectId)}`;
  const authorization = basicAuthorization(config.projectId, config.apiToken);
  return {
    url: (resource) => `${accountUrl}/${resource}`,
    sameOrigin(uri) {
      const url = new URL(uri, baseUrl);
      if (url.origin !== baseUrl) throw new DependencyError('signalwire: a next page on another host was refused');
      return url.href;
    },
    redact: (text) => text.replaceAll(config.apiToken, '[redacted]'),
    async call(operation, url, init) {
      try {
        const contentType: Record<string, string> = init.body
          ? { 'Content-Type': 'application/x-www-form-urlencoded' }
          : {};
        const response = await fetch(url, {
          ...init,
          headers: { Authorization: authorization, Accept: 'application/json', ...contentType },
          signal: AbortSignal.timeout(timeoutMs),
        });
        const retryAfter = response.headers.get('retry-after');
        return { status: response.status, text: await response.text(), ...(retryAfter !== null && { retryAfter }) };
      } catch (error) {
        const reason = isTimeout(error) ? `timed out after ${timeoutMs} ms` : 'network error';
        throw new DependencyError(`signalwire: ${operation} ${reason}`, { cause: error });
      }
    },
  };
}

/** Scheme optional (https assumed); plain http only for a loopback stand-in, so Basic auth never travels in clear. */
export function normalizeSpaceUrl(spaceUrl: string): string {
  const text = typeof spaceUrl === 'string' ? spaceUrl.trim() : '';
  if (text === '') throw new ConfigError('signalwire spaceUrl is missing');
  let url: URL;
  try {
    url = new URL(text.includes('://') ? text : `https://${text}`);
  } catch {
    throw new ConfigError('signalwire spaceUrl is not a valid URL');
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigError('signalwire spaceUrl must be https (http only for localhost)');
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError('signalwire spaceUrl must be a bare host, without path, query or credentials');
  }
  return url.origin;
}

/** The Authorization header SignalWire's APIs take: Basic, the project id and the API token. */
export function basicAuthorization(projectId: string, apiToken: string): string {
  return `Basic ${Buffer.from(`${projectId}:${apiToken}`).toString('base64')}`;
}
