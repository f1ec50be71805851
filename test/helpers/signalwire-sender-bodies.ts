import {
  type FakeCallRecord,
  type FakeCallStatus,
  type FakeMessageRecord,
  isEndedCall,
} from './fake-signalwire-records';

/**
 * The status callbacks SignalWire posts for a call or message, built from the fake's record as it is now. A record
 * of the Compatibility API gets a cXML callback (a form, signed with Scheme B), a RELAY one (voice or messaging logs)
 * a RELAY JSON event (signed with Scheme A), as each is delivered by SignalWire.
 */
export interface CallbackBody {
  body: string;
  contentType: string;
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** cXML's Timestamp: RFC 2822 with a +0000 offset ("Wed, 15 Jan 2025 10:31:00 +0000"). */
const rfc2822 = (ms: number) => new Date(ms).toUTCString().replace('GMT', '+0000');

/** RELAY's call_state for a status, and its end_reason when it ended. */
const RELAY_STATE: Record<FakeCallStatus, string> = {
  queued: 'created',
  initiated: 'created',
  ringing: 'ringing',
  answered: 'answered',
  'in-progress': 'answered',
  completed: 'ended',
  busy: 'ended',
  failed: 'ended',
  'no-answer': 'ended',
  canceled: 'ended',
};
const END_REASON: Partial<Record<FakeCallStatus, string>> = {
  completed: 'hangup',
  busy: 'busy',
  failed: 'error',
  'no-answer': 'noAnswer',
  canceled: 'cancel',
};

export function callStatusBody(call: FakeCallRecord, at: number, accountSid: string): CallbackBody {
  if (call.api === 'compat') {
    // CallDuration only once the call ended, as cXML sends it.
    const fields: Record<string, string> = {
      AccountSid: accountSid,
      ApiVersion: '2010-04-01',
      CallSid: call.sid,
      CallStatus: call.status,
      Direction: call.direction,
      From: call.from,
      To: call.to,
      Timestamp: rfc2822(at),
      ...(isEndedCall(call.status) && call.duration !== null && { CallDuration: String(call.duration) }),
    };
    return { body: new URLSearchParams(fields).toString(), contentType: FORM };
  }
  const params = {
    call_id: call.sid,
    node_id: 'n-test',
    segment_id: call.segmentId,
    tag: null,
    direction: call.direction,
    device: { type: 'phone', params: { from_number: call.from, to_number: call.to } },
    call_state: RELAY_STATE[call.status],
    ...(call.startTime !== null && { start_time: call.startTime }),
    ...(call.answerTime !== null && { answer_time: call.answerTime }),
    ...(isEndedCall(call.status) && { end_time: call.endTime ?? at, end_reason: END_REASON[call.status] }),
    created_by: call.direction === 'inbound' ? 'receive' : 'dial',
  };
  const event = {
    event_type: 'calling.call.state',
    event_channel: `swml:${call.sid}`,
    timestamp: at / 1000,
    project_id: accountSid,
    space_id: 's-test',
    params,
  };
  return { body: JSON.stringify(event), contentType: JSON_TYPE };
}

export function messageStatusBody(message: FakeMessageRecord, at: number, accountSid: string): CallbackBody {
  if (message.api === 'compat') {
    const fields: Record<string, string> = {
      MessageSid: message.sid,
      MessageStatus: message.status,
      From: message.from,
      To: message.to,
      AccountSid: accountSid,
      ...(message.errorCode !== null && { ErrorCode: String(message.errorCode) }),
    };
    return { body: new URLSearchParams(fields).toString(), contentType: FORM };
  }
  const event = {
    id: message.sid,
    project_id: accountSid,
    status: message.status,
    to: message.to,
    from: message.from,
    body: message.body,
    number_of_segments: message.numSegments,
    timestamp: at / 1000,
    error_code: message.errorCode === null ? null : String(message.errorCode),
    ...(message.errorMessage !== null && { error_message: message.errorMessage }),
  };
  return { body: JSON.stringify(event), contentType: JSON_TYPE };
}
