import { PermanentError } from '../errors';
import { createAccountApi, type SignalWireApiConfig } from './account-api';
import { listPages } from './list-pages';
import { readSendResult, type ListedMessage, type SentMessage } from './rest-responses';

export type { ListedMessage, SentMessage } from './rest-responses';

export interface OutboundMessage {
  from: string;
  to: string;
  body: string;
  statusCallback?: string;
}

/**
 * A tiny client for the SignalWire Compatibility REST API (LaML, Twilio-compatible), on the global `fetch`.
 * Failures are sorted for the worker: DependencyError when a retry may succeed (network, timeout, 408, 429, 5xx),
 * PermanentError when it cannot (any other 4xx, e.g. an invalid number). The API token never appears in an error.
 */
export interface SignalWireRestClient {
  sendMessage(message: OutboundMessage): Promise<SentMessage>;
  /**
   * Messages from `from` to `to` created on or after the UTC day of `sentSince` (the API filters by day), every page,
   * including the ones accepted but not sent yet (`date_sent` null, status queued or accepted).
   */
  listMessages(filter: { from: string; to: string; sentSince: number }): Promise<ListedMessage[]>;
}

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
