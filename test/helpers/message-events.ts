import type { SQSRecord } from 'aws-lambda';
import { createEnvelope } from '../../lib/envelope/envelope';
import { sqsRecord } from './aws-events';
import type { Fixture } from './fixtures';

/** A flat-JSON inbound SMS delivery. */
export function incomingSms(messageId: string, from: string, body: string, to = '+15551234567'): Fixture {
  const payload = {
    message_id: messageId,
    from,
    to,
    body,
    media: [],
    timestamp: new Date().toISOString(),
    num_segments: 1,
    num_media: 0,
  };
  return {
    name: messageId,
    method: 'POST',
    url: 'https://example.com/incoming-sms',
    contentType: 'application/json',
    body: JSON.stringify(payload),
    headers: {},
  };
}

/** A flat-JSON delivery receipt. */
export function messageStatus(
  messageId: string,
  status: string,
  timestamp: string,
  extra: Record<string, unknown> = {},
): Fixture {
  const body = JSON.stringify({ message_id: messageId, status, error_code: null, timestamp, ...extra });
  return {
    name: `${messageId}-${status}`,
    method: 'POST',
    url: 'https://example.com/message-status',
    contentType: 'application/json',
    body,
    headers: {},
  };
}

/** The SQS record the ingest would have queued for a JSON delivery to /incoming-sms. */
export function incomingSmsRecord(fixture: Fixture, messageId = 'crash-test-record'): SQSRecord {
  const envelope = createEnvelope({
    kind: 'message.incoming',
    route: 'POST /incoming-sms',
    content_type: 'json',
    body: fixture.body,
    payload: JSON.parse(fixture.body),
    headers: {},
  });
  return sqsRecord(JSON.stringify(envelope), { messageId });
}
