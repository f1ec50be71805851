import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermanentError } from '../../lib/errors';
import { occurredAtFrom, parseTimestamp } from '../../lib/signalwire/occurred-at';

const RECEIVED_AT = '2025-01-15T12:00:00.000Z';
const TEN_THIRTY = Date.UTC(2025, 0, 15, 10, 30, 0);

describe('occurredAtFrom', () => {
  const readable: Array<[string, unknown, number]> = [
    ['flat ISO with Z', '2025-01-15T10:30:00Z', TEN_THIRTY],
    ['ISO with an offset', '2025-01-15T11:30:00+01:00', TEN_THIRTY],
    ['ISO with fractions', '2025-01-15T10:30:00.250Z', TEN_THIRTY + 250],
    ['ISO without a zone, read as UTC', '2025-01-15T10:30:00', TEN_THIRTY],
    ['RELAY epoch seconds (float)', 1736937015.5, 1736937015500],
    ['RELAY epoch milliseconds', 1736937000000, 1736937000000],
    ['epoch seconds as a form string', '1736937015', 1736937015000],
    ['cXML RFC 2822', 'Wed, 15 Jan 2025 10:31:00 +0000', TEN_THIRTY + 60_000],
    ['RFC 2822 without a weekday, GMT', '15 Jan 2025 10:30:00 GMT', TEN_THIRTY],
  ];
  for (const [name, timestamp, expected] of readable) {
    it(`reads ${name}`, () => assert.equal(occurredAtFrom(timestamp, RECEIVED_AT, 'test'), expected));
  }

  it('falls back to the receive time when there is no timestamp', () => {
    for (const absent of [undefined, null, ''])
      assert.equal(occurredAtFrom(absent, RECEIVED_AT, 'test'), Date.parse(RECEIVED_AT));
  });

  const unreadable: Array<[string, unknown, RegExp]> = [
    ['a word', 'yesterday', /test: timestamp is not a date/],
    ['a single digit date-like string V8 would guess at', 'foo 5', /not a date/],
    ['a boolean', true, /not a date/],
    ['an object', { seconds: 1 }, /not a date/],
    ['NaN', NaN, /not a date/],
    ['a negative number', -5, /not a date/],
    ['the epoch', 1, /out of range/],
    ['the far future', '2300-01-01T00:00:00Z', /out of range/],
    ['an impossible date', '2025-13-45T10:30:00Z', /not a date/],
  ];
  for (const [name, timestamp, reason] of unreadable) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => occurredAtFrom(timestamp, RECEIVED_AT, 'test'),
        (e: unknown) => e instanceof PermanentError && reason.test(e.message),
      );
    });
  }

  it('refuses a broken receive time as a PermanentError too', () => {
    assert.throws(() => occurredAtFrom(undefined, 'not a date', 'test'), PermanentError);
  });

  it('parseTimestamp has no fall-back', () => {
    assert.equal(parseTimestamp(undefined), undefined);
    assert.equal(parseTimestamp('2025-01-15T10:30:00Z'), TEN_THIRTY);
  });
});
