import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PermanentError } from '../../lib/errors';
import { normalizeIncomingMessage } from '../../lib/messages/normalize-incoming-message';
import { itNormalizesEveryFixture, itNormalizesFixtures } from '../helpers/normalizer-cases';
import { assertPermanent } from '../helpers/assertions';

const RECEIVED_AT = '2025-01-15T12:00:00.000Z';

describe('normalizeIncomingMessage', () => {
  // [test, fixture, the result it must give]
  itNormalizesFixtures(normalizeIncomingMessage, RECEIVED_AT, [
    [
      'reads the flat JSON fixture',
      'incoming-sms-flat.json',
      {
        messageId: 'msg_00000001',
        from: '+15559876543',
        to: '+15551234567',
        body: 'HELP',
        mediaUrls: ['https://example.com/image.jpg'],
        segments: 1,
        occurredAt: Date.UTC(2025, 0, 15, 10, 30, 0),
        shape: 'flat',
      },
    ],
    [
      'reads the cXML form fixture and falls back to the receive time',
      'incoming-sms-cxml.json',
      {
        messageId: 'SM-0000-0001',
        from: '+15559876543',
        to: '+15551234567',
        body: 'status please',
        mediaUrls: [],
        segments: 1,
        occurredAt: Date.parse(RECEIVED_AT),
        shape: 'cxml',
      },
    ],
  ]);

  itNormalizesEveryFixture(
    'normalizes every incoming-sms fixture without error',
    '/incoming-sms',
    2,
    normalizeIncomingMessage,
    RECEIVED_AT,
    (message) => message.messageId,
  );

  it('collects cXML MediaUrl0..N, including after a gap', () => {
    const payload = {
      MessageSid: 'MM1',
      From: '+1555',
      To: '+1666',
      Body: '',
      NumMedia: '3',
      MediaUrl0: 'https://m.example/0.jpg',
      MediaContentType0: 'image/jpeg',
      MediaUrl2: 'https://m.example/2.png',
      MediaContentType2: 'image/png',
    };
    const message = normalizeIncomingMessage(payload, RECEIVED_AT);
    assert.deepEqual(message.mediaUrls, ['https://m.example/0.jpg', 'https://m.example/2.png']);
    assert.equal(message.body, '');
  });

  it('reads the RELAY shape with epoch-second timestamps', () => {
    const payload = {
      id: 'm-1',
      from: '+1555',
      to: '+1666',
      body: 'héllo 👋 مرحبا',
      media: [],
      segments: 2,
      timestamp: 1736937015.5,
    };
    const message = normalizeIncomingMessage(payload, RECEIVED_AT);
    assert.equal(message.shape, 'relay');
    assert.equal(message.body, 'héllo 👋 مرحبا');
    assert.equal(message.segments, 2);
    assert.equal(message.occurredAt, 1736937015500);
  });

  const badPayloads: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no id at all', { from: '+1', to: '+2', body: 'x' }, /incoming message: missing message id/],
    ['numeric id', { message_id: 42, from: '+1', to: '+2' }, /message id is not a string/],
    ['blank id', { MessageSid: '  ', From: '+1', To: '+2' }, /missing message id/],
    ['id too long', { message_id: 'x'.repeat(257), from: '+1', to: '+2' }, /message id is too long/],
    ['no sender', { message_id: 'm', to: '+2' }, /missing from/],
    ['body not a string', { message_id: 'm', from: '+1', to: '+2', body: { text: 'hi' } }, /body is not a string/],
    ['media not an array', { message_id: 'm', from: '+1', to: '+2', media: 'https://x' }, /media is not an array/],
    [
      'media url not http',
      { message_id: 'm', from: '+1', to: '+2', media: ['javascript:alert(1)'] },
      /not an http\(s\) url/,
    ],
    ['negative segments', { message_id: 'm', from: '+1', to: '+2', num_segments: -1 }, /num_segments is not a count/],
    ['bad timestamp', { message_id: 'm', from: '+1', to: '+2', timestamp: 'yesterday' }, /timestamp is not a date/],
    ['NumMedia not a number', { MessageSid: 'SM', From: '+1', To: '+2', NumMedia: 'two' }, /NumMedia is not a count/],
  ];
  for (const [name, payload, reason] of badPayloads) {
    it(`refuses ${name} with a PermanentError`, () => {
      assertPermanent(() => normalizeIncomingMessage(payload, RECEIVED_AT), reason);
    });
  }

  it('never throws anything but PermanentError, whatever the payload', () => {
    const key = fc.constantFrom(
      'message_id',
      'MessageSid',
      'id',
      'from',
      'to',
      'From',
      'To',
      'body',
      'Body',
      'media',
      'timestamp',
      'num_segments',
      'NumMedia',
      'MediaUrl0',
      'segments',
    );
    const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.jsonValue({ maxDepth: 2 }));
    fc.assert(
      fc.property(fc.dictionary(key, value), (payload) => {
        try {
          const message = normalizeIncomingMessage(payload, RECEIVED_AT);
          assert.equal(typeof message.messageId, 'string');
          assert.ok(Number.isFinite(message.occurredAt));
        } catch (error) {
          assert.ok(error instanceof PermanentError, String(error));
        }
      }),
      { numRuns: 300 },
    );
  });
});
