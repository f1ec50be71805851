import fc from 'fast-check';
import { formParamsSignature, rawBodySignature } from '../../lib/security/signature-digests';
import { isFormContentType } from '../../lib/security/signature';

/** One request as the internet may send it: any method, path, content type, bytes and signature. */
export interface HostileRequest {
  name: string;
  method: string;
  /** Path and query, e.g. `/call-status?x=1`. */
  path: string;
  contentType: string | undefined;
  body: Buffer;
  signing: 'valid' | 'none' | 'tampered' | 'wrong-key' | 'garbage';
  headers?: Record<string, string>;
  /** What the answer must be, when the case pins it (generated cases are checked against the general rules only). */
  expect?: number;
  /** A well-formed body that is no known event: accepted, and must end in the DLQ with a reason. */
  deadLetter?: boolean;
}

export const SIGNING_KEY = 'PSK_hostile_test_key_0123456789';

/** The signature headers for `request` posted to `baseUrl`, per its signing mode (Scheme B for form bodies). */
export function signatureHeaders(request: HostileRequest, baseUrl: string): Record<string, string> {
  if (request.signing === 'none') return {};
  if (request.signing === 'garbage')
    return { 'x-signalwire-signature': 'not-a-signature', 'x-twilio-signature': '%%%' };
  const key = request.signing === 'wrong-key' ? 'PSK_somebody_else' : SIGNING_KEY;
  // tampered: signed, then one byte of the body changed (or appended) on the way.
  const signedBody = request.signing === 'tampered' ? Buffer.concat([request.body, Buffer.from('x')]) : request.body;
  const url = baseUrl + request.path;
  if (isFormContentType(request.contentType)) {
    return {
      'x-signalwire-signature': formParamsSignature(key, url, new URLSearchParams(signedBody.toString('utf8'))),
    };
  }
  return { 'x-signalwire-signature': rawBodySignature(key, url, signedBody, 'sha1') };
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const text = (value: string): Buffer => Buffer.from(value, 'utf8');
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const UNICODE = '📞\u0000\u202e\ufeffｎ\ud7ff\u0301é\u2028"\\<script>';

/** Hostile requests with a name and, where the product promises one, the exact answer. */
export function namedCases(): HostileRequest[] {
  const post = (
    name: string,
    path: string,
    contentType: string | undefined,
    body: Buffer,
    expect: number,
    extra: Partial<HostileRequest> = {},
  ): HostileRequest => ({ name, method: 'POST', path, contentType, body, signing: 'valid', expect, ...extra });
  const deepArray = '['.repeat(100_000) + ']'.repeat(100_000);
  const deepObject = `${'{"a":'.repeat(33)}1${'}'.repeat(33)}`;
  return [
    post('oversized JSON body (300 KiB)', '/call-status', JSON_TYPE, json({ call_id: 'x'.repeat(300 * 1024) }), 413),
    post(
      'oversized and unsigned: 413 before any HMAC',
      '/call-status',
      JSON_TYPE,
      Buffer.alloc(2 * 1024 * 1024, 0x20),
      413,
      { signing: 'none' },
    ),
    post('oversized form body (300 KiB)', '/incoming-sms', FORM_TYPE, text(`Body=${'a'.repeat(300 * 1024)}`), 413),
    post(
      'body over API Gateway 10 MiB limit',
      '/call-status',
      JSON_TYPE,
      Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
      413,
      { signing: 'none' },
    ),
    post(
      'invalid UTF-8 in JSON',
      '/call-status',
      JSON_TYPE,
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
      400,
    ),
    post(
      'invalid UTF-8 in a form',
      '/incoming-sms',
      FORM_TYPE,
      Buffer.from([0x42, 0x6f, 0x64, 0x79, 0x3d, 0xc3, 0x28]),
      400,
    ),
    post(
      'lone surrogate escaped in JSON',
      '/incoming-sms',
      JSON_TYPE,
      text('{"message_id":"m","body":"\\ud800"}'),
      200,
      { deadLetter: false },
    ),
    post('invalid JSON', '/call-status', JSON_TYPE, text('{"call_id": "c-1",'), 400),
    post('JSON array', '/call-status', JSON_TYPE, text('[{"call_id":"c-1"}]'), 400),
    post('JSON string', '/message-status', JSON_TYPE, text('"delivered"'), 400),
    post('JSON null', '/video/events', JSON_TYPE, text('null'), 400),
    post('JSON number', '/incoming-sms', JSON_TYPE, text('1e309'), 400),
    post('deeply nested arrays (100k)', '/call-status', JSON_TYPE, text(deepArray), 400),
    post('nested objects past the limit (33)', '/video/events', JSON_TYPE, text(deepObject), 400),
    post(
      'huge array (200 KB)',
      '/call-status',
      JSON_TYPE,
      json({ call_id: 'c-huge', media: new Array(90_000).fill(0) }),
      200,
      { deadLetter: true },
    ),
    post('text/plain', '/call-status', 'text/plain', text('call_id=c-1'), 415),
    post('application/xml', '/incoming-sms', 'application/xml', text('<Message/>'), 415),
    post('multipart/form-data', '/incoming-sms', 'multipart/form-data; boundary=x', text('--x\r\n\r\n--x--'), 415),
    post(
      'octet-stream (base64 through the gateway)',
      '/call-status',
      'application/octet-stream',
      Buffer.from([0, 1, 2, 255]),
      415,
    ),
    post('duplicate form keys', '/call-status', FORM_TYPE, text('CallSid=CA1&CallStatus=ringing&CallSid=CA2'), 400),
    post('form with no fields', '/message-status', FORM_TYPE, text('&&&'), 400),
    post('empty body', '/call-status', JSON_TYPE, Buffer.alloc(0), 400),
    post('missing content type: treated as JSON', '/call-status', undefined, text('{not json'), 400),
    post('missing fields', '/call-status', JSON_TYPE, text('{}'), 200, { deadLetter: true }),
    post(
      'wrong-typed fields',
      '/call-status',
      JSON_TYPE,
      json({ call_id: 12, call_state: ['answered'], timestamp: {} }),
      200,
      { deadLetter: true },
    ),
    post(
      'wrong-typed message fields',
      '/incoming-sms',
      JSON_TYPE,
      json({ message_id: { $ne: 1 }, body: 42, media: 'x' }),
      200,
      { deadLetter: true },
    ),
    post(
      'unknown message status',
      '/message-status',
      JSON_TYPE,
      json({ message_id: 'm-1', status: 'exploded', timestamp: 'yesterday' }),
      200,
      { deadLetter: true },
    ),
    post(
      'unicode in every field',
      '/call-status',
      JSON_TYPE,
      json({
        call_id: UNICODE,
        call_state: UNICODE,
        from: UNICODE,
        to: UNICODE,
        direction: UNICODE,
        timestamp: UNICODE,
      }),
      200,
      { deadLetter: true },
    ),
    post(
      'unicode in every form field',
      '/message-status',
      FORM_TYPE,
      text(new URLSearchParams({ MessageSid: UNICODE, MessageStatus: UNICODE, ErrorCode: UNICODE }).toString()),
      200,
      { deadLetter: true },
    ),
    post(
      'prototype keys',
      '/video/events',
      JSON_TYPE,
      text('{"__proto__":{"polluted":1},"constructor":{"prototype":{}},"event":"room.started"}'),
      200,
      { deadLetter: true },
    ),
    post(
      'unknown video event name in the body',
      '/video/events',
      JSON_TYPE,
      json({ event: 'room.exploded', room_id: 'r-1', timestamp: '2025-01-15T10:30:00Z' }),
      200,
      { deadLetter: true },
    ),
    post('unknown video route', '/video/room-exploded', JSON_TYPE, json({ room_id: 'r-1' }), 404),
    post('unknown route', '/admin', JSON_TYPE, json({}), 404),
    post('path traversal', '/video/..%2F..%2Fetc%2Fpasswd', JSON_TYPE, json({}), 404),
    post('bad percent-encoding in the path', '/video/%E0%A4%A', JSON_TYPE, json({}), 400),
    post('unsigned', '/call-status', JSON_TYPE, json({ call_id: 'c-1', call_state: 'ringing' }), 401, {
      signing: 'none',
    }),
    post('tampered body', '/incoming-sms', FORM_TYPE, text('MessageSid=SM1&Body=hi'), 401, { signing: 'tampered' }),
    post('signed with another key', '/message-status', JSON_TYPE, json({ message_id: 'm-1', status: 'sent' }), 401, {
      signing: 'wrong-key',
    }),
    post('garbage signatures', '/video/events', JSON_TYPE, json({ event: 'room.started' }), 401, {
      signing: 'garbage',
    }),
    signedElsewhere(),
    post(
      'unsigned garbage body: 401 before any parsing',
      '/call-status',
      'text/plain',
      Buffer.from([0xff, 0x00]),
      401,
      { signing: 'none' },
    ),
    post('SWML fetch with an unparseable body: safe default', '/swml', JSON_TYPE, text('{'), 200),
    post('SWML fetch unsigned', '/swml', JSON_TYPE, json({ call: {} }), 401, { signing: 'none' }),
    ...['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'].map((method) => ({
      ...post(`${method} on a webhook route`, '/call-status', JSON_TYPE, json({}), 404),
      method,
    })),
  ];
}

/** A delivery validly signed for the API Gateway URL, posted to the local one: the URL is part of what is signed. */
function signedElsewhere(): HostileRequest {
  const body = json({ call_id: 'c-1', call_state: 'answered' });
  const signature = rawBodySignature(
    SIGNING_KEY,
    'https://abc123.execute-api.us-east-1.amazonaws.com/call-status',
    body,
    'sha1',
  );
  return {
    name: 'signed for another URL',
    method: 'POST',
    path: '/call-status',
    contentType: JSON_TYPE,
    body,
    signing: 'none',
    headers: { 'x-signalwire-signature': signature },
    expect: 401,
  };
}

const ROUTES = [
  '/call-status',
  '/incoming-sms',
  '/message-status',
  '/video/events',
  '/video/room-started',
  '/video/member-left',
  '/swml',
];
const FIELD_NAMES = [
  'call_id',
  'call_state',
  'from',
  'to',
  'direction',
  'timestamp',
  'message_id',
  'body',
  'media',
  'status',
  'error_code',
  'room_id',
  'room_name',
  'event',
  'event_type',
  'params',
  'id',
  'CallSid',
  'CallStatus',
  'MessageSid',
  'MessageStatus',
  'Body',
  'NumMedia',
  'MediaUrl0',
  'AccountSid',
  'recording_url',
  'duration',
  'member_id',
  'call',
  '__proto__',
];
const anyValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    'answered',
    'ended',
    'ringing',
    'delivered',
    'failed',
    'room.started',
    'calling.call.state',
    '2025-01-15T10:30:00Z',
    '',
    '0',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);
/** A form field's text: objects as JSON, since `String()` throws on e.g. `{ toString: 1 }` that fc.jsonValue can make. */
function formValue(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}
/** A JSON object shaped like a SignalWire event: real field names, arbitrary values. */
const eventLike = fc.dictionary(fc.constantFrom(...FIELD_NAMES), anyValue, { maxKeys: 8 });

const hostileBody: fc.Arbitrary<{ contentType: string | undefined; body: Buffer }> = fc.oneof(
  eventLike.map((value) => ({ contentType: JSON_TYPE, body: json(value) })),
  eventLike.map((value) => ({
    contentType: FORM_TYPE,
    body: text(
      new URLSearchParams(Object.entries(value).map(([k, v]): [string, string] => [k, formValue(v)])).toString(),
    ),
  })),
  fc.json({ maxDepth: 4 }).map((body) => ({ contentType: JSON_TYPE, body: text(body) })),
  fc.string({ unit: 'binary', maxLength: 200 }).map((body) => ({ contentType: JSON_TYPE, body: text(body) })),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ contentType: FORM_TYPE, body: Buffer.from(bytes) })),
  fc.record({
    contentType: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8',
      'application/vnd.signalwire+json',
      'text/html',
      ';;',
      'application/json, text/plain',
    ),
    body: fc.oneof(
      fc.json({ maxDepth: 2 }).map(text),
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
    ),
  }),
);

/** Generated hostile requests: mostly validly signed (so they reach the parser), the rest unsigned or forged. */
export const hostileRequests: fc.Arbitrary<HostileRequest> = fc
  .record({
    method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'GET', 'PUT'),
    route: fc.constantFrom(...ROUTES),
    query: fc.option(
      fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }),
      { nil: undefined },
    ),
    payload: hostileBody,
    signing: fc.constantFrom('valid', 'valid', 'valid', 'valid', 'none', 'tampered', 'wrong-key', 'garbage'),
  })
  .map(({ method, route, query, payload, signing }) => {
    // No bare `?`: API Gateway reports an empty query the same as none, so a URL signed with one cannot verify.
    const encoded = query === undefined ? '' : new URLSearchParams(query).toString();
    const search = encoded === '' ? '' : `?${encoded}`;
    // A GET carries no body: what is signed is the URL alone.
    const body = method === 'GET' ? Buffer.alloc(0) : payload.body;
    return {
      name: 'generated',
      method,
      path: route + search,
      contentType: payload.contentType,
      body,
      signing,
    } as HostileRequest;
  });
