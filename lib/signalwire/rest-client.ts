import { ConfigError, DependencyError, PermanentError } from '../errors';

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

export interface SentMessage {
  sid: string;
  status: string;
}

export interface SignalWireRestClient {
  sendMessage(message: OutboundMessage): Promise<SentMessage>;
}

export const DEFAULT_TIMEOUT_MS = 5_000;
const MAX_REASON_LENGTH = 200;

export function createSignalWireRestClient(config: SignalWireApiConfig): SignalWireRestClient {
  const baseUrl = normalizeSpaceUrl(config.spaceUrl);
  if (typeof config.projectId !== 'string' || config.projectId.trim() === '') throw new ConfigError('signalwire projectId is missing');
  if (typeof config.apiToken !== 'string' || config.apiToken.trim() === '') throw new ConfigError('signalwire apiToken is missing');
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new ConfigError('signalwire timeoutMs must be a positive integer');
  const messagesUrl = `${baseUrl}/api/laml/2010-04-01/Accounts/${encodeURIComponent(config.projectId)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${config.projectId}:${config.apiToken}`).toString('base64')}`;
  const redact = (text: string): string => text.replaceAll(config.apiToken, '[redacted]');

  return {
    async sendMessage(message: OutboundMessage): Promise<SentMessage> {
      const form = new URLSearchParams();
      for (const [name, value] of [['From', message.from], ['To', message.to], ['Body', message.body]] as const) {
        if (typeof value !== 'string') throw new PermanentError(`signalwire: send message needs ${name} as a string`);
        form.set(name, value);
      }
      if (message.statusCallback !== undefined) form.set('StatusCallback', message.statusCallback);

      let status: number;
      let responseText: string;
      try {
        const response = await fetch(messagesUrl, {
          method: 'POST',
          headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body: form,
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = response.status;
        responseText = await response.text();
      } catch (error) {
        // A timeout after the request left may still have sent the message; a retry can then send it twice.
        // Retrying is still right: a lost reply is worse than a rare duplicate.
        const reason = isTimeout(error) ? `timed out after ${timeoutMs} ms` : 'network error';
        throw new DependencyError(`signalwire: send message ${reason}`, { cause: error });
      }
      return readSendResult(status, responseText, redact);
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

function readSendResult(status: number, responseText: string, redact: (text: string) => string): SentMessage {
  if (status >= 200 && status < 300) {
    const body = parseJsonObject(responseText);
    if (typeof body?.sid === 'string' && typeof body.status === 'string') return { sid: body.sid, status: body.status };
    // The message was probably accepted: retrying could send it again, so this is not a DependencyError.
    throw new PermanentError(`signalwire: send message answered HTTP ${status} without a sid`);
  }
  const detail = apiMessage(responseText, redact);
  if (status === 408 || status === 429 || status >= 500 || status < 400) {
    throw new DependencyError(`signalwire: send message failed with HTTP ${status}${detail}`);
  }
  throw new PermanentError(`signalwire: send message rejected with HTTP ${status}${detail}`);
}

/** The API's own explanation (`{"code":21211,"message":"..."}`), bounded and with the token redacted. */
function apiMessage(responseText: string, redact: (text: string) => string): string {
  const body = parseJsonObject(responseText);
  const message = typeof body?.message === 'string' ? body.message : responseText;
  const code = typeof body?.code === 'number' || typeof body?.code === 'string' ? ` (code ${body.code})` : '';
  const cleaned = redact(message).replace(/\s+/g, ' ').trim().slice(0, MAX_REASON_LENGTH);
  return cleaned === '' ? code : `: ${cleaned}${code}`;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}
