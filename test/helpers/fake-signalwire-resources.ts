import { type FakeCallRecord, type FakeMessageRecord, type PriceInput, visiblePrice } from './fake-signalwire-records';

/**
 * The fake's records in the JSON SignalWire answers with. The Compatibility API is Twilio's shape: RFC 2822 times
 * ("Wed, 19 Sep 2018 20:00:01 +0000"), strings for numbers, prices negative (a charge) and null until priced. The
 * voice and messaging logs of the SignalWire REST API use ISO 8601 times and a positive `charge` in dollars.
 */

const COMPAT = '/api/laml/2010-04-01/Accounts';

/** Twilio's date format: toUTCString's, with the zone as an offset. */
function rfc2822(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** The Compatibility API shows what was charged as a negative decimal string with 5 places: "-0.00650". */
function compatPrice(price: PriceInput | null): string | null {
  if (price === null) return null;
  return typeof price === 'string' ? price : (-Math.abs(price)).toFixed(5);
}

/** The logs' `charge`: a positive number of dollars. */
function logCharge(price: PriceInput | null): number | null {
  return price === null ? null : Math.abs(Number(price));
}

export function compatCall(record: FakeCallRecord, accountSid: string, now: number): Record<string, unknown> {
  const uri = `${COMPAT}/${accountSid}/Calls/${record.sid}`;
  return {
    sid: record.sid,
    account_sid: accountSid,
    parent_call_sid: null,
    date_created: rfc2822(record.dateCreated),
    date_updated: rfc2822(record.dateUpdated),
    to: record.to,
    to_formatted: record.to,
    from: record.from,
    from_formatted: record.from,
    phone_number_sid: null,
    status: record.status,
    start_time: rfc2822(record.startTime),
    end_time: rfc2822(record.endTime),
    duration: record.duration === null ? null : String(record.duration),
    price: compatPrice(visiblePrice(record, now)),
    price_unit: record.priceUnit,
    direction: record.direction,
    answered_by: null,
    api_version: '2010-04-01',
    forwarded_from: null,
    caller_name: null,
    uri: `${uri}.json`,
    subresource_uris: { notifications: `${uri}/Notifications.json`, recordings: `${uri}/Recordings.json` },
  };
}

export function compatMessage(record: FakeMessageRecord, accountSid: string, now: number): Record<string, unknown> {
  const uri = `${COMPAT}/${accountSid}/Messages/${record.sid}`;
  return {
    sid: record.sid,
    account_sid: accountSid,
    messaging_service_sid: null,
    date_created: rfc2822(record.dateCreated),
    date_sent: rfc2822(record.dateSent),
    date_updated: rfc2822(record.dateUpdated),
    direction: record.direction,
    from: record.from,
    to: record.to,
    body: record.body,
    num_segments: String(record.numSegments),
    num_media: '0',
    status: record.status,
    error_code: record.errorCode,
    error_message: record.errorMessage,
    price: compatPrice(visiblePrice(record, now)),
    price_unit: record.priceUnit,
    api_version: '2010-04-01',
    uri: `${uri}.json`,
    subresource_uris: { media: `${uri}/Media.json` },
  };
}

/** `GET /api/voice/logs/{id}`: a RELAY / Call Fabric call, by its segment id. Durations are 0 until it ended. */
export function voiceLog(record: FakeCallRecord, now: number): Record<string, unknown> {
  const durationMs = (record.duration ?? 0) * 1000;
  return {
    id: record.segmentId,
    from: record.from,
    to: record.to,
    direction: record.direction,
    status: record.status,
    duration: record.duration ?? 0,
    duration_ms: durationMs,
    billing_ms: durationMs,
    source: 'realtime_api',
    type: 'relay_pstn_call',
    url: null,
    charge: logCharge(visiblePrice(record, now)),
    charge_details: [],
    created_at: new Date(record.dateCreated).toISOString(),
  };
}

/** `GET /api/messaging/logs/{id}`: a RELAY message. */
export function messagingLog(record: FakeMessageRecord, now: number): Record<string, unknown> {
  return {
    id: record.sid,
    from: record.from,
    to: record.to,
    direction: record.direction,
    status: record.status,
    kind: 'sms',
    source: 'realtime_api',
    type: 'relay_message',
    url: null,
    charge: logCharge(visiblePrice(record, now)),
    charge_details: [],
    created_at: new Date(record.dateCreated).toISOString(),
    number_of_segments: record.numSegments,
  };
}
