import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientError } from '../../lib/errors';
import { MAX_BODY_BYTES, parseBody, rawBodyBytes } from '../../lib/http/request-body';
import { loadFixture } from '../helpers/fixtures';

const FORM = 'application/x-www-form-urlencoded';

function fixture(name: string): { contentType: string; body: string } {
  return loadFixture(name) as ReturnType<typeof fixture>;
}

/** Asserts that `action` throws a ClientError with `statusCode` and a message matching `reason`. */
function assertClientError(action: () => unknown, statusCode: number, reason: RegExp): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof ClientError, `expected a ClientError, got ${String(error)}`);
    assert.equal(error.statusCode, statusCode);
    assert.match(error.message, reason);
    return true;
  });
}

/** `depth` nested JSON objects: `{"a":{"a":...{}...}}`. */
function nestedObjects(depth: number): string {
  return `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
}

describe('rawBodyBytes', () => {
  it('decodes a base64-encoded body to the exact bytes, including bytes that are not UTF-8', () => {
    // given bytes no UTF-8 text could carry, base64-encoded as API Gateway sends them
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x80, 0x0a]);
    // when
    const raw = rawBodyBytes(bytes.toString('base64'), true);
    // then
    assert.deepEqual(raw, bytes);
  });

  it('encodes a plain text body as UTF-8', () => {
    // given a body with multi-byte characters
    const body = '{"body":"héllo ✓"}';
    // when
    const raw = rawBodyBytes(body, false);
    // then
    assert.deepEqual(raw, Buffer.from(body, 'utf8'));
    assert.ok(raw.length > body.length);
  });

  it('turns a missing or empty body into zero bytes, base64 or not', () => {
    for (const [body, isBase64Encoded] of [
      [undefined, false],
      [undefined, true],
      ['', false],
      ['', true],
    ] as const) {
      assert.equal(rawBodyBytes(body, isBase64Encoded).length, 0);
    }
  });
});

describe('parseBody: JSON', () => {
  const payload = { call_id: 'c-1', call_state: 'answered', nested: { list: [1, 2, 3] } };
  const text = JSON.stringify(payload);

  for (const contentType of [
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON ; charset=UTF-8',
  ]) {
    it(`parses an object sent as ${JSON.stringify(contentType)}`, () => {
      // when
      const parsed = parseBody(Buffer.from(text), contentType);
      // then
      assert.deepEqual(parsed, { contentType: 'json', text, payload });
    });
  }

  it('parses +json media types as JSON', () => {
    for (const contentType of ['application/vnd.signalwire+json', 'application/cloudevents+json; charset=utf-8']) {
      assert.deepEqual(parseBody(Buffer.from(text), contentType).payload, payload);
    }
  });

  it('treats a missing or blank content type as JSON', () => {
    for (const contentType of [undefined, '', '   ']) {
      const parsed = parseBody(Buffer.from(text), contentType);
      assert.equal(parsed.contentType, 'json');
      assert.deepEqual(parsed.payload, payload);
    }
  });

  it('keeps the text exactly as decoded, whitespace and key order included', () => {
    // given a body that re-serialising would change
    const body = '{ "b" : 1,\n  "a": "\\u00e9" }';
    // when
    const parsed = parseBody(Buffer.from(body), 'application/json');
    // then
    assert.equal(parsed.text, body);
    assert.deepEqual(parsed.payload, { b: 1, a: 'é' });
  });

  it('refuses a body that is not JSON with 400', () => {
    for (const body of ['{"a":', 'call_id=1', '{a:1}', "{'a':1}"]) {
      assertClientError(() => parseBody(Buffer.from(body), 'application/json'), 400, /not valid JSON/);
    }
  });

  it('refuses JSON that is not an object with 400', () => {
    for (const body of ['[]', '[{"call_id":"c-1"}]', '42', 'null', '"text"', 'true']) {
      assertClientError(() => parseBody(Buffer.from(body), 'application/json'), 400, /must be an object/);
    }
  });
});

describe('parseBody: JSON nesting', () => {
  it('accepts exactly 32 levels', () => {
    // given
    const body = nestedObjects(32);
    // when
    const parsed = parseBody(Buffer.from(body), 'application/json');
    // then: walk down 31 keys to the innermost empty object
    let node: unknown = parsed.payload;
    for (let level = 1; level < 32; level++) node = (node as Record<string, unknown>).a;
    assert.deepEqual(node, {});
  });

  it('refuses 33 levels with 400, objects and arrays alike', () => {
    const arrays = `{"a":${'['.repeat(32)}${']'.repeat(32)}}`;
    for (const body of [nestedObjects(33), arrays]) {
      assertClientError(() => parseBody(Buffer.from(body), 'application/json'), 400, /nested deeper than 32/);
    }
  });

  it('does not count brackets inside strings', () => {
    // given 2 real levels, and a string full of brackets
    const body = JSON.stringify({ a: { text: '{['.repeat(100) } });
    // when
    const parsed = parseBody(Buffer.from(body), 'application/json');
    // then
    assert.deepEqual(parsed.payload, { a: { text: '{['.repeat(100) } });
  });

  it('does not end a string at an escaped quote', () => {
    // given strings that contain escaped quotes and escaped backslashes followed by brackets
    const text = `${'\\"{[{[\\\\'.repeat(40)}"[[[[`;
    const body = JSON.stringify({ a: text, b: { c: ['"'] } });
    // when
    const parsed = parseBody(Buffer.from(body), 'application/json');
    // then
    assert.deepEqual(parsed.payload, { a: text, b: { c: ['"'] } });
  });

  it('still counts brackets after a string that ends in an escaped backslash', () => {
    // given a string ending in `\\` (the quote after it closes the string), then 33 real levels
    const body = `{"s":"x\\\\","n":${nestedObjects(32)}}`;
    // then
    assertClientError(() => parseBody(Buffer.from(body), 'application/json'), 400, /nested deeper than 32/);
  });
});

describe('parseBody: form', () => {
  it('parses the cXML call status fixture into its fields', () => {
    // given
    const { contentType, body } = fixture('call-status-cxml-completed');
    // when
    const parsed = parseBody(Buffer.from(body), contentType);
    // then
    assert.equal(parsed.contentType, 'form');
    assert.equal(parsed.text, body);
    assert.deepEqual(parsed.payload, Object.fromEntries(new URLSearchParams(body)));
    assert.equal(parsed.payload.From, '+15559876543');
    assert.equal(parsed.payload.Timestamp, 'Wed, 15 Jan 2025 10:31:00 +0000');
  });

  it('accepts a charset parameter on the form content type', () => {
    const parsed = parseBody(Buffer.from('CallSid=CA1&CallStatus=ringing'), `${FORM}; charset=UTF-8`);
    assert.deepEqual(parsed.payload, { CallSid: 'CA1', CallStatus: 'ringing' });
  });

  it('keeps blank values as empty strings', () => {
    assert.deepEqual(parseBody(Buffer.from('CallSid=CA1&From='), FORM).payload, { CallSid: 'CA1', From: '' });
  });

  it('refuses a duplicated field with 400 naming it', () => {
    assertClientError(
      () => parseBody(Buffer.from('CallSid=CA1&CallStatus=ringing&CallSid=CA2'), FORM),
      400,
      /duplicate form field: CallSid/,
    );
  });

  it('refuses a form with no fields with 400', () => {
    for (const body of ['&', '&&&']) {
      assertClientError(() => parseBody(Buffer.from(body), FORM), 400, /no fields/);
    }
  });
});

describe('parseBody: refusals', () => {
  it('refuses a body over MAX_BODY_BYTES with 413, whatever its content type', () => {
    // given one byte too many
    const raw = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
    for (const contentType of ['application/json', FORM, 'text/plain']) {
      assertClientError(() => parseBody(raw, contentType), 413, new RegExp(String(MAX_BODY_BYTES)));
    }
  });

  it('accepts a body of exactly MAX_BODY_BYTES', () => {
    // given a JSON object padded to the limit
    const prefix = '{"pad":"';
    const raw = Buffer.from(`${prefix}${'x'.repeat(MAX_BODY_BYTES - prefix.length - 2)}"}`);
    assert.equal(raw.length, MAX_BODY_BYTES);
    // when
    const parsed = parseBody(raw, 'application/json');
    // then
    assert.equal((parsed.payload.pad as string).length, MAX_BODY_BYTES - prefix.length - 2);
  });

  it('refuses other content types with 415', () => {
    for (const contentType of [
      'text/plain',
      'text/json',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/jsonx',
    ]) {
      assertClientError(() => parseBody(Buffer.from('{}'), contentType), 415, /content type/);
    }
  });

  it('refuses an empty body with 400', () => {
    for (const contentType of ['application/json', FORM, undefined]) {
      assertClientError(() => parseBody(Buffer.alloc(0), contentType), 400, /empty body/);
    }
  });

  it('refuses bytes that are not UTF-8 with 400', () => {
    // given invalid UTF-8 alone, and hidden inside otherwise valid JSON and form bodies
    const cases: Array<[Buffer, string]> = [
      [Buffer.from([0xff, 0xfe]), 'application/json'],
      [Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]), 'application/json'],
      [Buffer.concat([Buffer.from('Body='), Buffer.from([0x80])]), FORM],
    ];
    for (const [raw, contentType] of cases) {
      assertClientError(() => parseBody(raw, contentType), 400, /not valid UTF-8/);
    }
  });
});
