import { ConfigError, DependencyError, PermanentError } from '../errors';
import { listPages } from './list-pages';
import { isTimeout, readSendResult, type ListedMessage, type SentMessage } from './rest-responses';

export type { ListedMessage, SentMessage } from './rest-responses';

/**
 * A tiny client for the SignalWire Compatibility REST API (LaML, Twilio-compatible), on the global `fetch`.
 * Failures are sorted for the worker: DependencyError when a retry may succeed (network, timeout, 408, 429, 5xx),
 * PermanentError when it cannot (any other 4xx, e.g. an invalid number). The API token never appears in an error.
 */
export interface SignalWireApiConfig {
  /** 'example.signalwire.com', 'https://example.signalwire.com', or 'http://127.0.0.1:1234' for a local stand-in. */
  spaceUrl: string;
  projectId: string;
  apiToken: string;
  timeoutMs?: number;
}

export interface OutboundMessage {
  from: string;
  to: string;
  body: string;
  statusCallback?: string;
}

export interface SignalWireRestClient {
  sendMessage(message: OutboundMessage): Promise<SentMessage>;
  /**
   * Messages from `from` to `to` created on or after the UTC day of `sentSince` (the API filters by day), every page,
   * including the ones accepted but not sent yet (`date_sent` null, status queued or accepted).
   */
  listMessages(filter: { from: string; to: string; sentSince: number }): Promise<ListedMessage[]>;
}

export const DEFAULT_TIMEOUT_MS = 5_000;

export function createSignalWireRestClient(config: SignalWireApiConfig): SignalWireRestClient {
  const account = createAccountApi(config);
  const messagesUrl = account.url('Messages.json');

  return {
    async sendMessage(message: OutboundMessage): Promise<SentMessage> {
      const form = new URLSearchParams();
      for (const [name, value] of [
        ['From', message.from],
        ['To', message.to],
        ['Body', message.body],
      ] as const) {
        if (typeof value !== 'string') throw new PermanentError(`signalwire: send message needs ${name} as a string`);
        form.set(name, value);
      }
      if (message.statusCallback !== undefined) form.set('StatusCallback', message.statusCallback);
      // A timeout after the request left may still have sent the message: callers that must not send twice
      // reconcile with listMessages before retrying (lib/messages/send-auto-reply.ts).
      const { status, text } = await account.call('send message', messagesUrl, { method: 'POST', body: form });
      return readSendResult(status, text, account.redact);
    },

    async listMessages(filter) {
      const day = new Date(filter.sentSince).toISOString().slice(0, 10);
      const sinceSecond = Math.floor(filter.sentSince / 1000) * 1000;
      const base = { From: filter.from, To: filter.to, PageSize: '100' };
      // `DateSent>` is the compatibility API's inclusive lower bound (a day); it leaves out what is not sent yet.
      const sent = await listPages(account, `${messagesUrl}?${new URLSearchParams({ ...base, 'DateSent>': day })}`);
      // Accepted but still queued (`date_sent` null): the unfiltered list, newest first, read until a whole page
      // was created before `sentSince`.
      const recent = await listPages(account, `${messagesUrl}?${new URLSearchParams(base)}`, (page) =>
        page.every((m) => m.dateCreated < sinceSecond),
      );
      const bySid = new Map([...sent, ...recent].map((m) => [m.sid, m]));
      return [...bySid.values()];
    },
  };
}

/** The account's Compatibility API: its URLs, authenticated calls bounded in time, and token redaction. */
export interface AccountApi {
  url(resource: string): string;
  /** An absolute URL for a `next_page_uri`; refuses one on another origin. */
  sameOrigin(uri: string): string;
  call(
    operation: string,
    url: string,
    init: { method: string; body?: URLSearchParams },
  ): Promise<{ status: number; text: string }>;
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
  const authorization = `Basic ${Buffer.from(`${config.projectId}:${config.apiToken}`).toString('base64')}`;
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
        return { status: response.status, text: await response.text() };
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
