import type { FakeRecords } from './fake-signalwire-records';
import { compatCall, compatMessage, messagingLog, voiceLog } from './fake-signalwire-resources';

/** An answer of the fake API: status, JSON body, extra headers. */
export interface FakeAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const CALL = /^\/api\/laml\/2010-04-01\/Accounts\/([^/]+)\/Calls\/([^/]+)\.json$/;
const CALLS = /^\/api\/laml\/2010-04-01\/Accounts\/([^/]+)\/Calls\.json$/;
const MESSAGE = /^\/api\/laml\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/;
const MESSAGES = /^\/api\/laml\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const VOICE_LOG = /^\/api\/voice\/logs\/([^/]+)$/;
const MESSAGING_LOG = /^\/api\/messaging\/logs\/([^/]+)$/;

/** The Compatibility API's 404 (Twilio's error 20404), naming what was asked for. */
const compatNotFound = (pathname: string): FakeAnswer => ({
  status: 404,
  body: {
    code: 20404,
    message: `The requested resource ${pathname} was not found`,
    more_info: 'https://www.twilio.com/docs/errors/20404',
    status: 404,
  },
});

/** The SignalWire REST API's (voice and messaging logs) 404. */
const restNotFound = (): FakeAnswer => ({
  status: 404,
  body: { errors: [{ code: 'not_found', message: 'Not Found' }] },
});

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Twilio's date filters on a UTC day: `Field>=YYYY-MM-DD` (which a query string parses as the key `Field>`: on or
 * after), `Field<=` (`Field<`: on or before) and `Field=` (that day). A record without that date (a message not sent
 * yet, a call not started) is left out by any of them.
 */
function matchesDay(query: URLSearchParams, field: string, ms: number | null): boolean {
  const after = query.get(`${field}>`) ?? query.get(`${field}>=`);
  const before = query.get(`${field}<`) ?? query.get(`${field}<=`);
  const on = query.get(field);
  if (after === null && before === null && on === null) return true;
  if (ms === null) return false;
  const d = day(ms);
  return (after === null || d >= after) && (before === null || d <= before) && (on === null || d === on);
}

const exact = (query: URLSearchParams, name: string, value: string) => !query.has(name) || query.get(name) === value;

/** One page of a newest-first list: `PageSize` (capped at `maxPageSize`), `Page`, and `next_page_uri` to the next. */
function page<T>(
  pathname: string,
  query: URLSearchParams,
  matching: T[],
  maxPageSize: number,
): { items: T[]; meta: Record<string, unknown> } {
  const size = Math.min(Number(query.get('PageSize') ?? 50) || 50, maxPageSize);
  const number = Number(query.get('Page') ?? 0) || 0;
  const next = new URLSearchParams(query);
  next.set('Page', String(number + 1));
  const first = new URLSearchParams(query);
  first.set('Page', '0');
  return {
    items: matching.slice(number * size, (number + 1) * size),
    meta: {
      page: number,
      page_size: size,
      uri: `${pathname}?${query}`,
      first_page_uri: `${pathname}?${first}`,
      next_page_uri: (number + 1) * size < matching.length ? `${pathname}?${next}` : null,
    },
  };
}

const newestFirst = (a: { at: number; seq: number }, b: { at: number; seq: number }) => b.at - a.at || b.seq - a.seq;

/** The GET endpoints of the fake that read call and message records; undefined for any other request. */
export function createRecordLookups(records: FakeRecords) {
  return function handle(
    method: string,
    pathname: string,
    query: URLSearchParams,
    maxPageSize: number,
  ): FakeAnswer | undefined {
    if (method !== 'GET') return undefined;
    const now = Date.now();
    let match = CALL.exec(pathname);
    if (match) {
      const call = records.calls.get(decodeURIComponent(match[2]!));
      return call?.api === 'compat'
        ? { status: 200, body: compatCall(call, decodeURIComponent(match[1]!), now) }
        : compatNotFound(pathname);
    }
    match = MESSAGE.exec(pathname);
    if (match) {
      const message = records.messages.get(decodeURIComponent(match[2]!));
      return message?.api === 'compat'
        ? { status: 200, body: compatMessage(message, decodeURIComponent(match[1]!), now) }
        : compatNotFound(pathname);
    }
    match = VOICE_LOG.exec(pathname);
    if (match) {
      const id = decodeURIComponent(match[1]!);
      const call = [...records.calls.values()].find((c) => c.api === 'voice-logs' && c.segmentId === id);
      return call ? { status: 200, body: voiceLog(call, now) } : restNotFound();
    }
    match = MESSAGING_LOG.exec(pathname);
    if (match) {
      const message = records.messages.get(decodeURIComponent(match[1]!));
      return message?.api === 'messaging-logs' ? { status: 200, body: messagingLog(message, now) } : restNotFound();
    }
    match = CALLS.exec(pathname);
    if (match) {
      const account = decodeURIComponent(match[1]!);
      const matching = [...records.calls.values()]
        .filter((c) => c.api === 'compat' && matchesDay(query, 'StartTime', c.startTime))
        .filter((c) => exact(query, 'To', c.to) && exact(query, 'From', c.from) && exact(query, 'Status', c.status))
        .map((c) => ({ record: c, at: c.startTime ?? c.dateCreated, seq: c.seq }))
        .sort(newestFirst);
      const { items, meta } = page(pathname, query, matching, maxPageSize);
      return { status: 200, body: { calls: items.map((c) => compatCall(c.record, account, now)), ...meta } };
    }
    match = MESSAGES.exec(pathname);
    if (match) {
      const account = decodeURIComponent(match[1]!);
      const matching = [...records.messages.values()]
        .filter((m) => m.api === 'compat' && matchesDay(query, 'DateSent', m.dateSent))
        .filter((m) => exact(query, 'To', m.to) && exact(query, 'From', m.from))
        .map((m) => ({ record: m, at: m.dateCreated, seq: m.seq }))
        .sort(newestFirst);
      const { items, meta } = page(pathname, query, matching, maxPageSize);
      return { status: 200, body: { messages: items.map((m) => compatMessage(m.record, account, now)), ...meta } };
    }
    return undefined;
  };
}
