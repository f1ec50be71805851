import { DependencyError, PermanentError } from '../errors';

/** Reading the Compatibility API's answers: a result, or a failure sorted into retryable and permanent. */

export interface SentMessage {
  sid: string;
  status: string;
}

/** A message as the list call returns it; times in epoch milliseconds, `dateSent` null while it is still queued. */
export interface ListedMessage {
  sid: string;
  from: string;
  to: string;
  body: string;
  status: string;
  dateCreated: number;
  dateSent: number | null;
}

const MAX_REASON_LENGTH = 200;

export function readSendResult(status: number, responseText: string, redact: (text: string) => string): SentMessage {
  if (status >= 200 && status < 300) {
    const body = parseJsonObject(responseText);
    if (typeof body?.sid === 'string' && typeof body.status === 'string') return { sid: body.sid, status: body.status };
    // The message was probably accepted: retrying could send it again, so this is not a DependencyError.
    throw new PermanentError(`signalwire: send message answered HTTP ${status} without a sid`);
  }
  throw failureFor('send message', status, responseText, redact);
}

/**
 * SignalWire refused our credentials (401, 403): the token was rotated or revoked. Not the message's fault, and
 * fixed by an operator: retryable, so the reply waits (claim released) instead of being failed for good.
 */
export class CredentialsRefusedError extends DependencyError {
  override readonly name: string = 'CredentialsRefusedError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function failureFor(
  operation: string,
  status: number,
  responseText: string,
  redact: (text: string) => string,
): Error {
  const detail = apiMessage(responseText, redact);
  if (status === 401 || status === 403) {
    return new CredentialsRefusedError(
      `signalwire: ${operation} refused our credentials with HTTP ${status}${detail}`,
      status,
    );
  }
  if (status === 408 || status === 429 || status >= 500 || status < 400) {
    return new DependencyError(`signalwire: ${operation} failed with HTTP ${status}${detail}`);
  }
  return new PermanentError(`signalwire: ${operation} rejected with HTTP ${status}${detail}`);
}

export function toListedMessage(item: unknown): ListedMessage[] {
  const m = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const dateCreated = Date.parse(String(m.date_created));
  if (typeof m.sid !== 'string' || typeof m.body !== 'string' || !Number.isFinite(dateCreated)) return [];
  const dateSent = m.date_sent === null || m.date_sent === undefined ? null : Date.parse(String(m.date_sent));
  const sent = dateSent !== null && Number.isFinite(dateSent) ? dateSent : null;
  return [
    {
      sid: m.sid,
      from: String(m.from),
      to: String(m.to),
      body: m.body,
      status: String(m.status),
      dateCreated,
      dateSent: sent,
    },
  ];
}

/** The API's own explanation (`{"code":21211,"message":"..."}`), bounded and with the token redacted. */
function apiMessage(responseText: string, redact: (text: string) => string): string {
  const body = parseJsonObject(responseText);
  const message = typeof body?.message === 'string' ? body.message : responseText;
  const code = typeof body?.code === 'number' || typeof body?.code === 'string' ? ` (code ${body.code})` : '';
  const cleaned = redact(message).replace(/\s+/g, ' ').trim().slice(0, MAX_REASON_LENGTH);
  return cleaned === '' ? code : `: ${cleaned}${code}`;
}

export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}
