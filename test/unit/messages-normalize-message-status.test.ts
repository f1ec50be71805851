import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PermanentError } from '../../lib/errors';
import { normalizeMessageStatus } from '../../lib/messages/normalize-message-status';
import { itNormalizesEveryFixture, itNormalizesFixtures } from '../helpers/normalizer-cases';
import { assertPermanent } from '../helpers/assertions';

const RECEIVED_AT = '2025-01-15T12:00:00.000Z';

describe('normalizeMessageStatus', () => {
  // [test, fixture, the result it must give]
  itNormalizesFixtures(normalizeMessageStatus, RECEIVED_AT, [
    [
      'reads the flat fixture; a null error_code is no error code',
      'message-status-flat-delivered.json',
      {
        messageId: 'msg_00000002',
        status: 'delivered',
        rawStatus: 'delivered',
        occurredAt: Date.UTC(2025, 0, 15, 10, 30, 15),
        shape: 'flat',
      },
    ],
    [
      'reads the RELAY fixture with its error code, message and epoch-second timestamp',
      'message-state-relay-undelivered.json',
      {
        messageId: 'm-0000-0003',
        status: 'undelivered',
        rawStatus: 'undelivered',
        errorCode: '30003',
        errorMessage: 'Unreachable destination handset',
        from: '+15551234567',
        to: '+15559876543',
        occurredAt: 1736937015500,
        shape: 'relay',
      },
    ],
    [
      'reads the cXML fixture and falls back to the receive time',
      'message-status-cxml-sent.json',
      {
        messageId: 'SM-0000-0004',
        status: 'sent',
        rawStatus: 'sent',
        from: '+15551234567',
        to: '+15559876543',
        occurredAt: Date.parse(RECEIVED_AT),
        shape: 'cxml',
      },
    ],
  ]);

  itNormalizesEveryFixture(
    'normalizes every message-status fixture without error',
    '/message-status',
    3,
    normalizeMessageStatus,
    RECEIVED_AT,
    (event) => event.status,
  );

  it("maps cXML 'sending' onto canonical 'initiated' and keeps the raw word", () => {
    const event = normalizeMessageStatus({ MessageSid: 'SM1', MessageStatus: 'sending' }, RECEIVED_AT);
    assert.equal(event.status, 'initiated');
    assert.equal(event.rawStatus, 'sending');
  });

  it('accepts a numeric error code and the older SmsStatus field', () => {
    const event = normalizeMessageStatus({ MessageSid: 'SM1', SmsStatus: 'failed', ErrorCode: '30008' }, RECEIVED_AT);
    assert.equal(event.status, 'failed');
    assert.equal(event.errorCode, '30008');
    const flat = normalizeMessageStatus({ message_id: 'm', status: 'failed', error_code: 30007 }, RECEIVED_AT);
    assert.equal(flat.errorCode, '30007');
  });

  const badPayloads: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no id', { status: 'sent' }, /^message status: missing message id$/],
    ['no status', { message_id: 'm' }, /missing status/],
    ['unknown status', { id: 'm', status: 'teleported' }, /unknown status "teleported"/],
    ['status not a string', { message_id: 'm', status: 3 }, /status is not a string/],
    ['error code an object', { message_id: 'm', status: 'failed', error_code: {} }, /error code/],
    ['timestamp in 1970', { message_id: 'm', status: 'sent', timestamp: 5 }, /timestamp is out of range/],
  ];
  for (const [name, payload, reason] of badPayloads) {
    it(`refuses ${name} with a PermanentError`, () => {
      assertPermanent(() => normalizeMessageStatus(payload, RECEIVED_AT), reason);
    });
  }

  it('never throws anything but PermanentError, whatever the payload', () => {
    const key = fc.constantFrom(
      'message_id',
      'MessageSid',
      'id',
      'status',
      'MessageStatus',
      'error_code',
      'ErrorCode',
      'error_message',
      'from',
      'to',
      'timestamp',
    );
    const value = fc.oneof(
      fc.constantFrom('sent', 'delivered', 'sending'),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    fc.assert(
      fc.property(fc.dictionary(key, value), (payload) => {
        try {
          normalizeMessageStatus(payload, RECEIVED_AT);
        } catch (error) {
          assert.ok(error instanceof PermanentError, String(error));
        }
      }),
      { numRuns: 300 },
    );
  });
});
