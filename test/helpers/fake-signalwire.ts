import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createFakeCalls, type FakeCall } from './fake-signalwire-calls';
import { createFakeNumbers, type FakeNumber } from './fake-signalwire-numbers';
import { createRecordLookups } from './fake-signalwire-lookups';
import { createRateLimits } from './fake-signalwire-rate-limit';
import {
  createFakeRecords,
  type FakeCallInput,
  type FakeCallRecord,
  type FakeMessageInput,
  type FakeMessageRecord,
  type FakeMessageStatus,
} from './fake-signalwire-records';

/**
 * A real local HTTP server standing in for the SignalWire Compatibility REST API. It answers
 * POST /api/laml/2010-04-01/Accounts/{project}/Messages.json like SignalWire does (201, a fresh sid, queued),
 * lists the messages it created on GET of the same path (To, From and `DateSent>` filters, Twilio's JSON shape),
 * records every request, and can be told to fail or to hang for the next requests.
 * It also keeps call and message records tests set and move (fake-signalwire-records.ts), answered by the GET
 * endpoints the reconciler asks (fake-signalwire-lookups.ts): Calls/{sid}.json, Messages/{sid}.json, Calls.json,
 * /api/voice/logs/{id}, /api/messaging/logs/{id}; and can answer 429 with Retry-After (rateLimitNext).
 */
interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The form-encoded body as fields (a repeated field keeps its last value). */
  form: Record<string, string>;
}

/** A message the fake accepted (answered 201, or created and then left the caller hanging). */
export interface CreatedMessage {
  sid: string;
  from: string;
  to: string;
  body: string;
  statusCallback?: string;
  date_created: string;
  /** Null while the message waits in SignalWire's queue (status `queued`); listed with `DateSent>` only once sent. */
  date_sent: string | null;
  /** `queued` or `sent` when created; moved by updateMessage (delivered, undelivered...). */
  status: FakeMessageStatus;
}

export interface FakeSignalWire {
  /** Base URL to use as `spaceUrl`, e.g. http://127.0.0.1:54321 */
  url: string;
  requests: RecordedRequest[];
  /** Every message it created: what a real space would have sent to a handset. */
  created: CreatedMessage[];
  /** Adds a phone number to the fake space (IncomingPhoneNumbers list and update). */
  addNumber(phoneNumber: string): FakeNumber;
  numbers: FakeNumber[];
  /** Calls placed with the Calling API (`POST /api/calling/calls`, command dial). */
  calls: FakeCall[];
  /** The next `count` requests are answered with `status` and a SignalWire-style error body. */
  failNext(count: number, status: number, message?: string): void;
  /** The next `count` requests are never answered (their sockets are destroyed on close). */
  hangNext(count: number): void;
  /** The next `count` sends create the message (it is sent and listed) but are never answered: a lost response. */
  createThenHangNext(count: number): void;
  /** The next `count` messages created stay queued (`date_sent` null), as a busy space leaves them for a while. */
  keepQueuedNext(count: number): void;
  /** Requests must carry this API token (Basic auth) or are answered 401; undefined accepts any. */
  requireToken(token: string | undefined): void;
  /** Messages per list page (the API's default is 50); `next_page_uri` links the pages. */
  pageSize: number;
  /** Sets (or replaces) a call SignalWire knows; `api` decides which API answers for it (default compat). */
  setCall(call: FakeCallInput): FakeCallRecord;
  /** Moves a call: an ended status sets end_time (now, unless given) and starts the priceAfterMs clock. */
  updateCall(sid: string, changes: Partial<Omit<FakeCallInput, 'sid' | 'api'>>): FakeCallRecord;
  /** Sets (or replaces) a message SignalWire knows. */
  setMessage(message: FakeMessageInput): FakeMessageRecord;
  /** Moves a message, including one POST Messages.json created (its `created` entry follows). */
  updateMessage(sid: string, changes: Partial<Omit<FakeMessageInput, 'sid' | 'api'>>): FakeMessageRecord;
  /** The call (by sid or segment id) or message as the fake holds it now, if it knows it. */
  getCall(sid: string): FakeCallRecord | undefined;
  getMessage(sid: string): FakeMessageRecord | undefined;
  /** SignalWire no longer knows this call (sid or segment id) or message: its lookups answer 404. */
  forget(sid: string): boolean;
  /** The next `count` requests (before any failNext/hangNext) are answered 429 with `Retry-After`. */
  rateLimitNext(count: number, retryAfterSeconds?: number): void;
  /** How many 429s the fake answered (rateLimitNext, and failNext with 429). */
  readonly rateLimited: number;
  close(): Promise<void>;
}

type Behaviour = { kind: 'fail'; status: number; message: string } | { kind: 'hang' } | { kind: 'create-then-hang' };

const MESSAGES_PATH = /^\/api\/laml\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

export async function startFakeSignalWire(): Promise<FakeSignalWire> {
  const requests: RecordedRequest[] = [];
  const created: CreatedMessage[] = [];
  const queue: Behaviour[] = [];
  const sockets = new Set<Socket>();
  const phoneNumbers = createFakeNumbers();
  const callingApi = createFakeCalls();
  const records = createFakeRecords();
  const lookups = createRecordLookups(records);
  const rateLimits = createRateLimits();
  let keepQueued = 0;
  let requiredToken: string | undefined;
  const state = { pageSize: 50 };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      requests.push({
        method: request.method ?? '',
        path,
        headers: request.headers,
        rawBody,
        form: Object.fromEntries(new URLSearchParams(rawBody)),
      });
      if (requiredToken !== undefined && !hasToken(request.headers.authorization, requiredToken)) {
        return sendJson(response, 401, errorBody(401, 'Unauthorized'));
      }
      const [pathname = '', search = ''] = path.split('?');
      const limited = rateLimits.take(pathname);
      if (limited) return sendJson(response, limited.status, limited.body, limited.headers);
      const behaviour = queue.shift();
      if (behaviour?.kind === 'hang') return;
      if (behaviour?.kind === 'fail') {
        rateLimits.noteAnswered(behaviour.status);
        return sendJson(response, behaviour.status, errorBody(behaviour.status, behaviour.message));
      }
      const numberAnswer = phoneNumbers.handle(
        request.method ?? '',
        pathname,
        new URLSearchParams(search),
        Object.fromEntries(new URLSearchParams(rawBody)),
      );
      if (numberAnswer) return sendJson(response, numberAnswer.status, numberAnswer.body);
      const callAnswer = callingApi.handle(request.method ?? '', pathname, rawBody);
      if (callAnswer) return sendJson(response, callAnswer.status, callAnswer.body);
      const recordAnswer = lookups(request.method ?? '', pathname, new URLSearchParams(search), state.pageSize);
      if (recordAnswer) return sendJson(response, recordAnswer.status, recordAnswer.body);
      const match = MESSAGES_PATH.exec(pathname);
      if (request.method !== 'POST' || !match)
        return sendJson(response, 404, errorBody(404, 'The requested resource was not found'));
      const form = Object.fromEntries(new URLSearchParams(rawBody));
      const message: CreatedMessage = {
        sid: randomUUID(),
        from: form.From ?? '',
        to: form.To ?? '',
        body: form.Body ?? '',
        ...(form.StatusCallback !== undefined && { statusCallback: form.StatusCallback }),
        date_created: new Date().toUTCString(),
        date_sent: null,
        status: 'queued',
      };
      if (keepQueued > 0) keepQueued -= 1;
      else Object.assign(message, { date_sent: message.date_created, status: 'sent' });
      created.push(message);
      records.addCreated(message);
      if (behaviour?.kind === 'create-then-hang') return;
      sendJson(response, 201, {
        sid: message.sid,
        account_sid: decodeURIComponent(match[1] ?? ''),
        from: form.From ?? null,
        to: form.To ?? null,
        body: form.Body ?? null,
        status: 'queued',
        direction: 'outbound-api',
        num_segments: '1',
        num_media: '0',
        date_created: message.date_created,
        error_code: null,
        error_message: null,
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    created,
    addNumber: phoneNumbers.add,
    numbers: phoneNumbers.numbers,
    calls: callingApi.calls,
    failNext(count, status, message = defaultMessage(status)) {
      for (let index = 0; index < count; index += 1) queue.push({ kind: 'fail', status, message });
    },
    hangNext(count) {
      for (let index = 0; index < count; index += 1) queue.push({ kind: 'hang' });
    },
    createThenHangNext(count) {
      for (let index = 0; index < count; index += 1) queue.push({ kind: 'create-then-hang' });
    },
    keepQueuedNext(count) {
      keepQueued += count;
    },
    requireToken(token) {
      requiredToken = token;
    },
    get pageSize() {
      return state.pageSize;
    },
    set pageSize(size: number) {
      state.pageSize = size;
    },
    setCall: records.setCall,
    updateCall: records.updateCall,
    setMessage: records.setMessage,
    updateMessage: records.updateMessage,
    getCall: (sid) => records.calls.get(sid) ?? [...records.calls.values()].find((c) => c.segmentId === sid),
    getMessage: (sid) => records.messages.get(sid),
    forget: records.forget,
    rateLimitNext(count, retryAfterSeconds = 1) {
      rateLimits.next(count, retryAfterSeconds);
    },
    get rateLimited() {
      return rateLimits.answered;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Hung and keep-alive connections would hold close() open forever.
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

function hasToken(authorization: string | undefined, token: string): boolean {
  const decoded = Buffer.from((authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1) === token;
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function errorBody(status: number, message: string): Record<string, unknown> {
  return { code: status === 400 ? 21211 : status, message, more_info: 'https://developer.signalwire.com', status };
}

function defaultMessage(status: number): string {
  if (status === 400) return "The 'To' number +1555 is not a valid phone number.";
  if (status === 429) return 'Too many requests';
  return status >= 500 ? 'Internal server error' : `HTTP ${status}`;
}
