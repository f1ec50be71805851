import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CALL_STATE_RANK, fromCxmlCallStatus, type CallState } from '../../lib/calls/call-state';
import { normalizeCallStatus, type CallStatusEvent } from '../../lib/calls/normalize-call-status';
import { assertPermanent } from '../helpers/assertions';
import { fixturePayload as payloadOf, loadFixture } from '../helpers/fixtures';

const RECEIVED_AT = '2025-01-15T12:00:00.000Z';
const TEN_THIRTY = Date.UTC(2025, 0, 15, 10, 30, 0);

/** A fixture's payload as the ingest queues it: JSON parsed, or the fields of a form body. */
function fixturePayload(name: string): Record<string, unknown> {
  return payloadOf(loadFixture(name));
}

const relay = (params: Record<string, unknown>, rest: Record<string, unknown> = {}): Record<string, unknown> => ({
  event_type: 'calling.call.state',
  timestamp: 1736937000.5,
  params: { call_id: 'r-1', call_state: 'ringing', ...params },
  ...rest,
});

describe('normalizeCallStatus: the fixtures', () => {
  // [test, fixture (what it carries), the event it must give]
  const cases: Array<[string, string, CallStatusEvent]> = [
    [
      'reads the flat JSON fixture',
      // {call_id, call_state: answered, from, to, direction: outbound, timestamp: 2025-01-15T10:30:00Z}
      'call-status-flat-answered',
      {
        callId: 'c1234567-89ab-cdef-0123-456789abcdef',
        state: 'answered',
        occurredAt: TEN_THIRTY,
        from: '+15551234567',
        to: '+15559876543',
        direction: 'outbound',
        shape: 'flat',
      },
    ],
    [
      'reads the RELAY fixture with its three times and the talk time they give',
      // timestamp 1736937060.123 s; start/answer/end 1736937000000 / ...004000 / ...060000 ms
      'call-state-relay-ended',
      {
        callId: '5d1c4c4e-0000-4000-8000-000000000001',
        state: 'ended',
        occurredAt: 1736937060123,
        from: '+15559876543',
        to: '+15551234567',
        direction: 'inbound',
        endReason: 'hangup',
        durationSeconds: 56,
        knownTimes: { created: 1736937000000, answered: 1736937004000, ended: 1736937060000 },
        segmentId: 'seg-01',
        shape: 'relay',
      },
    ],
    [
      'reads the cXML form fixture: completed is ended, with the stated duration and an RFC 2822 time',
      // CallStatus=completed, CallDuration=42, Timestamp=Wed, 15 Jan 2025 10:31:00 +0000
      'call-status-cxml-completed',
      {
        callId: 'CA-0000-0001',
        state: 'ended',
        occurredAt: TEN_THIRTY + 60_000,
        from: '+15559876543',
        to: '+15551234567',
        direction: 'inbound',
        endReason: 'completed',
        durationSeconds: 42,
        shape: 'cxml',
      },
    ],
  ];
  for (const [title, fixture, expected] of cases) {
    it(title, () => {
      // given the fixture's payload, when normalized, then it gives exactly the expected event
      assert.deepEqual(normalizeCallStatus(fixturePayload(fixture), RECEIVED_AT), expected);
    });
  }
});

describe('normalizeCallStatus: cXML CallStatus', () => {
  // SIGNALWIRE.md: the ten compatibility statuses; outcomes that end a call are `ended` with the outcome as reason.
  const expected: Array<[string, CallState, string | undefined]> = [
    ['queued', 'queued', undefined],
    ['initiated', 'created', undefined],
    ['ringing', 'ringing', undefined],
    ['in-progress', 'answered', undefined],
    ['answered', 'answered', undefined],
    ['completed', 'ended', 'completed'],
    ['busy', 'ended', 'busy'],
    ['failed', 'ended', 'failed'],
    ['no-answer', 'ended', 'no-answer'],
    ['canceled', 'ended', 'canceled'],
  ];
  for (const [callStatus, state, endReason] of expected) {
    it(`maps ${callStatus} to ${state}${endReason ? ` (${endReason})` : ''}`, () => {
      // when
      const event = normalizeCallStatus({ CallSid: 'CA1', CallStatus: callStatus }, RECEIVED_AT);
      // then
      assert.equal(event.state, state);
      assert.equal(event.endReason, endReason);
      assert.equal(event.shape, 'cxml');
      assert.deepEqual(fromCxmlCallStatus(callStatus.toUpperCase()), fromCxmlCallStatus(callStatus));
    });
  }

  it('refuses an unknown CallStatus, and a missing one', () => {
    assertPermanent(
      () => normalizeCallStatus({ CallSid: 'CA1', CallStatus: 'on-hold' }, RECEIVED_AT),
      /unknown CallStatus "on-hold"/,
    );
    assertPermanent(() => normalizeCallStatus({ CallSid: 'CA1' }, RECEIVED_AT), /unknown CallStatus/);
  });

  it('keeps CallDuration only when it is a whole non-negative number', () => {
    const duration = (CallDuration: string) =>
      normalizeCallStatus({ CallSid: 'CA1', CallStatus: 'completed', CallDuration }, RECEIVED_AT).durationSeconds;
    assert.equal(duration('0'), 0);
    assert.equal(duration('17'), 17);
    assert.equal(duration('1.5'), undefined);
    assert.equal(duration('-3'), undefined);
    assert.equal(duration('abc'), undefined);
  });

  it('refuses CallStatus values that are names of Object.prototype', () => {
    for (const CallStatus of ['constructor', '__proto__', 'Constructor']) {
      assert.equal(fromCxmlCallStatus(CallStatus), undefined, `fromCxmlCallStatus(${CallStatus})`);
      assertPermanent(() => normalizeCallStatus({ CallSid: 'CA1', CallStatus }, RECEIVED_AT), /unknown CallStatus/);
    }
  });

  it('treats a blank CallDuration as absent, not as zero seconds', () => {
    for (const CallDuration of ['', ' ']) {
      const event = normalizeCallStatus({ CallSid: 'CA1', CallStatus: 'completed', CallDuration }, RECEIVED_AT);
      assert.equal(event.durationSeconds, undefined, `for ${JSON.stringify(CallDuration)}`);
    }
  });

  it('reads outbound-api and outbound-dial as outbound', () => {
    for (const Direction of ['outbound-api', 'outbound-dial']) {
      assert.equal(
        normalizeCallStatus({ CallSid: 'CA1', CallStatus: 'ringing', Direction }, RECEIVED_AT).direction,
        'outbound',
      );
    }
  });
});

describe('normalizeCallStatus: flat and RELAY', () => {
  it('accepts every call state, in any letter case, from flat JSON', () => {
    for (const state of Object.keys(CALL_STATE_RANK) as CallState[]) {
      assert.equal(normalizeCallStatus({ call_id: 'c1', call_state: state.toUpperCase() }, RECEIVED_AT).state, state);
    }
  });

  it('has no duration for a RELAY event without both answer and end times, nor when they run backwards', () => {
    // given: not answered yet; then an end time before the answer time
    const ringing = normalizeCallStatus(relay({ start_time: 1736937000000, answer_time: 0, end_time: 0 }), RECEIVED_AT);
    const backwards = normalizeCallStatus(
      relay({ call_state: 'ended', answer_time: 1736937009000, end_time: 1736937004000 }),
      RECEIVED_AT,
    );
    // then
    assert.equal(ringing.durationSeconds, undefined);
    assert.deepEqual(ringing.knownTimes, { created: 1736937000000 });
    assert.equal(backwards.durationSeconds, undefined);
  });

  it('rounds a RELAY talk time to the nearest second', () => {
    // given answer and end times 56.6 s and 56.4 s apart
    const longer = normalizeCallStatus(
      relay({ call_state: 'ended', answer_time: 1736937004000, end_time: 1736937060600 }),
      RECEIVED_AT,
    );
    const shorter = normalizeCallStatus(
      relay({ call_state: 'ended', answer_time: 1736937004000, end_time: 1736937060400 }),
      RECEIVED_AT,
    );
    // then
    assert.equal(longer.durationSeconds, 57);
    assert.equal(shorter.durationSeconds, 56);
  });

  it('has no knownTimes when a RELAY event states no times', () => {
    assert.equal('knownTimes' in normalizeCallStatus(relay({}), RECEIVED_AT), false);
  });

  it('reads a RELAY event without event_type by its params', () => {
    const payload = relay({});
    delete payload.event_type;
    assert.equal(normalizeCallStatus(payload, RECEIVED_AT).shape, 'relay');
  });

  it('drops empty fields instead of keeping them as undefined or empty strings', () => {
    const event = normalizeCallStatus(
      { call_id: 'c1', call_state: 'ringing', from: '', direction: 'sideways' },
      RECEIVED_AT,
    );
    assert.deepEqual(Object.keys(event).sort(), ['callId', 'occurredAt', 'shape', 'state']);
  });
});

describe('normalizeCallStatus: refusals', () => {
  it('refuses an unknown state in flat and RELAY shapes', () => {
    assertPermanent(
      () => normalizeCallStatus({ call_id: 'c1', call_state: 'on-hold' }, RECEIVED_AT),
      /unknown call_state "on-hold"/,
    );
    assertPermanent(() => normalizeCallStatus({ call_id: 'c1' }, RECEIVED_AT), /unknown call_state/);
    assertPermanent(
      () => normalizeCallStatus(relay({ call_state: 'hungup' }), RECEIVED_AT),
      /unknown call_state "hungup"/,
    );
    assertPermanent(
      () => normalizeCallStatus({ call_id: 'c1', call_state: 'constructor' }, RECEIVED_AT),
      /unknown call_state/,
    );
  });

  it('refuses a missing or blank id in each shape', () => {
    assertPermanent(() => normalizeCallStatus({ call_state: 'ringing' }, RECEIVED_AT), /missing call_id/);
    assertPermanent(
      () => normalizeCallStatus({ call_id: '  ', call_state: 'ringing' }, RECEIVED_AT),
      /missing call_id/,
    );
    assertPermanent(() => normalizeCallStatus(relay({ call_id: undefined }), RECEIVED_AT), /missing params\.call_id/);
    assertPermanent(() => normalizeCallStatus({ CallStatus: 'ringing' }, RECEIVED_AT), /missing CallSid/);
  });

  it('refuses an id that is not a string', () => {
    for (const callId of [42, null, { id: 'c1' }, ['c1'], true]) {
      // null is absent (JSON senders write null where a form omits the field); anything else names the type
      assertPermanent(
        () => normalizeCallStatus({ call_id: callId, call_state: 'ringing' }, RECEIVED_AT),
        /missing call_id|call_id is not a string/,
      );
      assertPermanent(
        () => normalizeCallStatus(relay({ call_id: callId }), RECEIVED_AT),
        /missing params\.call_id|params\.call_id is not a string/,
      );
    }
  });

  it('refuses an id longer than 256 characters, and accepts one of exactly 256', () => {
    assertPermanent(
      () => normalizeCallStatus({ call_id: 'c'.repeat(257), call_state: 'ringing' }, RECEIVED_AT),
      /call_id is too long/,
    );
    assertPermanent(
      () => normalizeCallStatus({ CallSid: 'C'.repeat(257), CallStatus: 'ringing' }, RECEIVED_AT),
      /CallSid is too long/,
    );
    assert.equal(
      normalizeCallStatus({ call_id: 'c'.repeat(256), call_state: 'ringing' }, RECEIVED_AT).callId,
      'c'.repeat(256),
    );
  });

  it('refuses a payload of no known shape', () => {
    for (const payload of [{}, { id: 'x', status: 'ringing' }, { message_id: 'm1', status: 'sent' }]) {
      assertPermanent(() => normalizeCallStatus(payload, RECEIVED_AT), /unrecognized payload shape/);
    }
  });

  it('refuses a RELAY event of another event_type', () => {
    for (const eventType of ['calling.call.play', 'messaging.state', 'video.room.started']) {
      assertPermanent(
        () => normalizeCallStatus(relay({}, { event_type: eventType }), RECEIVED_AT),
        new RegExp(`unexpected event_type "${eventType.replace(/\./g, '\\.')}`),
      );
    }
  });
});

describe('normalizeCallStatus: timestamps', () => {
  const cases: Array<[string, unknown, number]> = [
    ['ISO 8601 with Z', '2025-01-15T10:30:00Z', TEN_THIRTY],
    ['ISO 8601 with an offset and milliseconds', '2025-01-15T11:30:00.250+01:00', TEN_THIRTY + 250],
    ['epoch seconds as a float', 1736937015.5, 1736937015500],
    ['epoch seconds as a string', '1736937015', 1736937015000],
    ['epoch milliseconds', 1736937000000, 1736937000000],
    ['RFC 2822', 'Wed, 15 Jan 2025 10:30:00 +0000', TEN_THIRTY],
    ['RFC 2822 in another zone', 'Wed, 15 Jan 2025 05:30:00 -0500', TEN_THIRTY],
  ];
  for (const [name, timestamp, expected] of cases) {
    it(`reads ${name} in every shape`, () => {
      assert.equal(
        normalizeCallStatus({ call_id: 'c1', call_state: 'ringing', timestamp }, RECEIVED_AT).occurredAt,
        expected,
      );
      assert.equal(normalizeCallStatus(relay({}, { timestamp }), RECEIVED_AT).occurredAt, expected);
      assert.equal(
        normalizeCallStatus({ CallSid: 'CA1', CallStatus: 'ringing', Timestamp: timestamp }, RECEIVED_AT).occurredAt,
        expected,
      );
    });
  }

  it('uses the receive time when there is no timestamp', () => {
    const received = Date.parse(RECEIVED_AT);
    assert.equal(normalizeCallStatus({ call_id: 'c1', call_state: 'ringing' }, RECEIVED_AT).occurredAt, received);
    assert.equal(normalizeCallStatus(relay({}, { timestamp: undefined }), RECEIVED_AT).occurredAt, received);
    assert.equal(normalizeCallStatus({ CallSid: 'CA1', CallStatus: 'ringing' }, RECEIVED_AT).occurredAt, received);
  });

  it('refuses a timestamp that is present but not a date, rather than guessing a time', () => {
    for (const timestamp of ['yesterday', 'foo 5', {}]) {
      assertPermanent(
        () => normalizeCallStatus({ call_id: 'c1', call_state: 'ringing', timestamp }, RECEIVED_AT),
        /call status: timestamp is not a date/,
      );
    }
  });
});
