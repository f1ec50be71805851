import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, redactBody, redactHeaders, redactUrl } from '../../lib/security/redact';

describe('redactHeaders', () => {
  it('replaces credentials, cookies and signatures whatever the case of the name, and keeps the rest', () => {
    // given the headers of a delivery
    const headers = {
      authorization: 'Basic c2lnbmFsd2lyZTpodW50ZXIy',
      'X-SignalWire-Signature': '40c34d720d655a2a11b1c30c49847bd4229c8262',
      'x-signalwire-sha256-signature': 'e9b4c9c4c883c60097323a03a0cddf832b73db6706e2458e5e447af2c1053401',
      'X-Twilio-Signature': 'iPMQbs4ULEVUSMBBR+BpkrOabFg=',
      Cookie: 'session=abc',
      'content-type': 'application/json',
      'user-agent': 'SignalWire',
      'x-absent': undefined,
    };
    // when
    const redacted = redactHeaders(headers);
    // then
    assert.deepEqual(redacted, {
      authorization: REDACTED,
      'X-SignalWire-Signature': REDACTED,
      'x-signalwire-sha256-signature': REDACTED,
      'X-Twilio-Signature': REDACTED,
      Cookie: REDACTED,
      'content-type': 'application/json',
      'user-agent': 'SignalWire',
      'x-absent': undefined,
    });
    assert.equal(headers.authorization, 'Basic c2lnbmFsd2lyZTpodW50ZXIy', 'the input is left untouched');
  });
});

describe('redactUrl', () => {
  const table: Array<[url: string, expected: string]> = [
    ['https://h.example.com/sms?secret=s3cr3t', `https://h.example.com/sms?secret=${REDACTED}`],
    ['https://h.example.com/sms?a=1&secret=s3cr3t&b=%2B1', `https://h.example.com/sms?a=1&secret=${REDACTED}&b=%2B1`],
    [
      'https://h.example.com/sms?secret=one&secret=two',
      `https://h.example.com/sms?secret=${REDACTED}&secret=${REDACTED}`,
    ],
    ['https://h.example.com/sms?secre%74=s3cr3t', `https://h.example.com/sms?secre%74=${REDACTED}`], // decoded by API Gateway
    ['https://h.example.com/sms?secret', `https://h.example.com/sms?secret=${REDACTED}`],
    ['https://h.example.com/sms?secret=s3cr3t#frag', `https://h.example.com/sms?secret=${REDACTED}#frag`],
    ['https://h.example.com/sms?mysecret=x&secretive=y', 'https://h.example.com/sms?mysecret=x&secretive=y'],
    ['https://user:pass@h.example.com/sms', `https://${REDACTED}@h.example.com/sms`],
    ['https://user:p@ss@h.example.com/sms?secret=x', `https://${REDACTED}@h.example.com/sms?secret=${REDACTED}`],
    ['https://h.example.com/a@b', 'https://h.example.com/a@b'], // an @ in the path is not userinfo
    ['https://h.example.com/sms', 'https://h.example.com/sms'],
    ['not a url ?secret=x&%E0%A4%A=1', `not a url ?secret=${REDACTED}&%E0%A4%A=1`],
  ];
  for (const [url, expected] of table) {
    it(`${url} -> ${expected}`, () => {
      assert.equal(redactUrl(url), expected);
    });
  }
});

describe('redactBody', () => {
  it('replaces message text in flat, RELAY and cXML payloads when PII redaction is on', () => {
    const flat = { message_id: 'msg_1', from: '+15559876543', body: 'HELP', media: ['https://example.com/i.jpg'] };
    const cxml = { MessageSid: 'SM-1', Body: 'status please', NumMedia: '0' };
    const nested = { event_type: 'messaging.state', params: { body: 'secret words', tags: [{ body: 'x' }] } };

    assert.deepEqual(redactBody(flat, { redactPii: true }), { ...flat, body: REDACTED });
    assert.deepEqual(redactBody(cxml, { redactPii: true }), { ...cxml, Body: REDACTED });
    assert.deepEqual(redactBody(nested, { redactPii: true }), {
      event_type: 'messaging.state',
      params: { body: REDACTED, tags: [{ body: REDACTED }] },
    });
    assert.equal(flat.body, 'HELP', 'the input is left untouched');
  });

  it('returns the payload itself when PII redaction is off, and keeps a null body null', () => {
    const payload = { body: 'HELP' };
    assert.equal(redactBody(payload, { redactPii: false }), payload);
    assert.deepEqual(redactBody({ body: null, error_code: null }, { redactPii: true }), {
      body: null,
      error_code: null,
    });
    assert.equal(redactBody('text', { redactPii: true }), 'text');
  });

  it('survives a pathologically deep payload, replacing what lies too deep', () => {
    let deep: unknown = { body: 'HELP' };
    for (let i = 0; i < 100_000; i++) deep = { next: deep };
    const redacted = JSON.stringify(redactBody(deep, { redactPii: true }));
    assert.ok(!redacted.includes('HELP'));
  });
});
