import { DependencyError } from '../errors';
import type { LookupRef } from './lookup-ref';
import { createAccountApi, type SignalWireApiConfig } from './account-api';
import { failureFor, parseJsonObject } from './rest-responses';

type LookupKind = 'call' | 'message';

/** SignalWire's current view of one call or message: its resource as the API returned it, or not known (404). */
export type LookupAnswer = { found: true; resource: Record<string, unknown> } | { found: false };

/** SignalWire asked us to slow down (429): wait `retryAfterMs` (its Retry-After, or a default) before asking again. */
export class RateLimitedError extends DependencyError {
  override readonly name: string = 'RateLimitedError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

interface ListedPage {
  /** The resources of this page, newest first, as the API returned them. */
  resources: Record<string, unknown>[];
  /** The next (older) page, when there is one. */
  next?: string;
}

export interface SignalWireLookup {
  get(kind: LookupKind, ref: LookupRef): Promise<LookupAnswer>;
  /** One page of the project's calls or messages on the Compatibility API, newest first (`next` from the previous page). */
  listPage(kind: LookupKind, next?: string): Promise<ListedPage>;
}

const DEFAULT_RETRY_AFTER_MS = 1_000;

/**
 * Reads calls and messages from the API that knows them (lib/reconcile/lookup-ref.ts): the Compatibility API for cXML
 * sids, the voice and messaging logs of the SignalWire REST API for RELAY / Call Fabric ids. One GET per record.
 */
export function createSignalWireLookup(config: SignalWireApiConfig): SignalWireLookup {
  const account = createAccountApi(config);
  const urlOf = (kind: LookupKind, ref: LookupRef): string => {
    const id = encodeURIComponent(ref.id);
    if (ref.api === 'compat') return account.url(`${kind === 'call' ? 'Calls' : 'Messages'}/${id}.json`);
    return account.sameOrigin(`/api/${ref.api === 'voice-logs' ? 'voice' : 'messaging'}/logs/${id}`);
  };
  return {
    async get(kind, ref) {
      const operation = `get ${kind}`;
      const { status, text, retryAfter } = await account.call(operation, urlOf(kind, ref), { method: 'GET' });
      if (status === 404) return { found: false };
      if (status === 429) {
        throw new RateLimitedError(`signalwire: ${operation} was rate limited (429)`, retryAfterMs(retryAfter));
      }
      if (status < 200 || status >= 300) throw failureFor(operation, status, text, account.redact);
      const resource = parseJsonObject(text);
      if (resource === undefined)
        throw new DependencyError(`signalwire: ${operation} answered HTTP ${status} without JSON`);
      return { found: true, resource };
    },

    async listPage(kind, next) {
      const operation = `list ${kind}s`;
      const url = next ?? account.url(`${kind === 'call' ? 'Calls' : 'Messages'}.json?PageSize=${PAGE_SIZE}`);
      const { status, text, retryAfter } = await account.call(operation, url, { method: 'GET' });
      if (status === 429)
        throw new RateLimitedError(`signalwire: ${operation} was rate limited (429)`, retryAfterMs(retryAfter));
      if (status < 200 || status >= 300) throw failureFor(operation, status, text, account.redact);
      const body = parseJsonObject(text);
      const list = body?.[kind === 'call' ? 'calls' : 'messages'];
      if (!Array.isArray(list))
        throw new DependencyError(`signalwire: ${operation} answered HTTP ${status} without a list`);
      const resources = list.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null);
      const nextUri = body?.next_page_uri;
      // Same origin only: our Basic credentials go nowhere else.
      return { resources, ...(typeof nextUri === 'string' && nextUri !== '' && { next: account.sameOrigin(nextUri) }) };
    },
  };
}

const PAGE_SIZE = 100;

/** Retry-After in seconds (or an HTTP date); a default when absent or unreadable, at most a minute. */
function retryAfterMs(header: string | undefined): number {
  if (header === undefined) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 60_000) : DEFAULT_RETRY_AFTER_MS;
}
