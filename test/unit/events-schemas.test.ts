import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { busEntryOf, entryBytes, MAX_ENTRY_BYTES, requestsOf } from '../../lib/events/bus-entries';
import { callEnded, callPriced, callStateChanged } from '../../lib/calls/call-events';
import { EVENT_TYPES, stableEventId, type DomainEvent } from '../../lib/events/domain-event';
import { messagePriced, messageReceived, messageStatusChanged } from '../../lib/messages/message-events';
import { swmlFetched } from '../../lib/swml/swml-events';
import { videoChangeEvent } from '../../lib/video/video-events';
import { MAX_TEXT_LENGTH, MAX_URL_LENGTH } from '../../lib/signalwire/payload-fields';
import { dataSchemas, schemaFileOf } from '../../schemas/event-schemas';
import { GENERATED_FILE, generateEventTypes } from '../../schemas/generate-event-types';
import { schemaErrors } from '../helpers/event-schemas';

const T = Date.parse('2026-03-01T12:00:00Z');

/** One event of every type, as the builders make them. */
function oneOfEach(): DomainEvent[] {
  const call = {
    callId: 'c-1',
    times: { ringing: T, answered: T + 2000, ended: T + 62_000 },
    from: '+15550001',
    to: '+15550002',
  };
  const session = { roomSessionId: 'rs-1', roomId: 'r-1', occurredAt: T, shape: 'flat' as const };
  return [
    callStateChanged(call, 'answered', T + 2000),
    callEnded({ ...call, durationSeconds: 60, endReason: 'completed', price: 0.01, priceUnit: 'USD' }, T + 62_000),
    callPriced('c-1', { price: 0.013, priceUnit: 'USD', from: '+15550001', durationSeconds: 60 }, T + 300_000),
    messageReceived({
      messageId: 'm-1',
      from: '+1',
      to: '+2',
      body: 'hi',
      mediaUrls: [],
      segments: 1,
      occurredAt: T,
      shape: 'flat',
    }),
    messageStatusChanged({ messageId: 'm-2', status: 'delivered', occurredAt: T, shape: 'flat' } as never),
    messagePriced('m-2', { price: 0.0079, priceUnit: 'USD', direction: 'outbound' }, T + 300_000),
    videoChangeEvent({ ...session, type: 'room.started', eventKey: 'room.started', roomName: 'standup' }, '')!,
    videoChangeEvent({ ...session, type: 'room.ended', eventKey: 'room.ended' }, '')!,
    videoChangeEvent({ ...session, type: 'member.joined', eventKey: 'member.joined:m1', memberId: 'm1' }, '')!,
    videoChangeEvent({ ...session, type: 'member.left', eventKey: 'member.left:m1', memberId: 'm1' }, '')!,
    videoChangeEvent(
      {
        ...session,
        type: 'recording.completed',
        eventKey: 'recording.completed:rec-1',
        recordingId: 'rec-1',
        durationSeconds: 30,
      },
      'rec-1',
    )!,
    swmlFetched({ eventId: 'e-1', route: '/swml', receivedAt: new Date(T).toISOString(), callId: 'c-1' }),
  ];
}

describe('event schemas and types', () => {
  it('the committed TypeScript types are what the schemas generate (npm run events:types)', async () => {
    assert.equal(readFileSync(GENERATED_FILE, 'utf8'), await generateEventTypes());
  });

  it('every event type has a data schema whose title names its generated type', () => {
    assert.deepEqual(
      dataSchemas().map(({ type }) => type),
      [...EVENT_TYPES],
    );
    for (const { type, schema } of dataSchemas()) assert.ok(schema.title, `${schemaFileOf(type)} has no title`);
  });

  it('one event of each type, as the builders make it, is valid against its schemas', () => {
    const events = oneOfEach();
    assert.deepEqual(new Set(events.map((e) => e.type)), new Set(EVENT_TYPES));
    for (const event of events) assert.deepEqual(schemaErrors(event), [], event.type);
  });

  it('the schemas can fail: a missing key, a wrong type and an unknown field are each refused', () => {
    const [changed, ended] = oneOfEach() as [DomainEvent<'Call State Changed'>, DomainEvent<'Call Ended'>];
    assert.match(schemaErrors({ ...changed, data: { state: 'answered' } }).join(), /call_id/);
    assert.match(schemaErrors({ ...ended, data: { ...ended.data, duration_seconds: -1 } }).join(), /duration_seconds/);
    assert.match(schemaErrors({ ...changed, data: { ...changed.data, extra: 1 } }).join(), /additional/);
    assert.match(schemaErrors({ ...changed, id: 'not-stable' }).join(), /id/);
  });
});

describe('stable ids', () => {
  it('depend on the type and the change only, and differ between them', () => {
    assert.equal(stableEventId('Call Ended', 'c-1'), stableEventId('Call Ended', 'c-1'));
    assert.notEqual(stableEventId('Call Ended', 'c-1'), stableEventId('Call Ended', 'c-2'));
    assert.notEqual(stableEventId('Call State Changed', 'c-1', 'ended'), stableEventId('Call Ended', 'c-1', 'ended'));
    // The separator keeps ('ab','c') and ('a','bc') apart.
    assert.notEqual(stableEventId('Call Ended', 'ab', 'c'), stableEventId('Call Ended', 'a', 'bc'));
  });
});

describe('bus entries (EventBridge limits)', () => {
  it('the largest Message Received the ingest can take fits one PutEvents entry', () => {
    const worst = messageReceived({
      messageId: 'm'.repeat(256),
      from: '+'.repeat(256),
      to: '+'.repeat(256),
      // Control characters: JSON escapes each as \u00XX, six bytes.
      body: '\u0001'.repeat(MAX_TEXT_LENGTH),
      mediaUrls: Array.from({ length: 50 }, () => `https://x/${'é'.repeat(MAX_URL_LENGTH - 10)}`),
      segments: 1000,
      occurredAt: T,
      shape: 'flat',
    });
    const size = entryBytes(busEntryOf(worst, 'bus'));
    assert.ok(size < MAX_ENTRY_BYTES, `${size} bytes`);
    // Cut to fit, and saying so; valid all the same.
    assert.equal(worst.data.truncated, true);
    assert.ok(worst.data.media_urls.length < 50);
    assert.deepEqual(schemaErrors(worst), []);
    assert.equal((oneOfEach()[2]!.data as { truncated?: boolean }).truncated, undefined);
  });

  it('groups entries into requests of at most 10 and 256 KB, in order', () => {
    const events = Array.from({ length: 23 }, (_, i) =>
      messageReceived({
        messageId: `m-${i}`,
        from: '+1',
        to: '+2',
        body: 'x'.repeat(60_000),
        mediaUrls: [],
        segments: 1,
        occurredAt: T,
        shape: 'flat',
      }),
    );
    const requests = requestsOf(events.map((e) => busEntryOf(e, 'bus')));
    assert.deepEqual(
      requests.flat().map((e) => JSON.parse(e.Detail).data.message_id),
      events.map((e) => e.data.message_id),
    );
    for (const request of requests) {
      assert.ok(request.length <= 10);
      assert.ok(request.reduce((n, e) => n + entryBytes(e), 0) <= MAX_ENTRY_BYTES);
    }
    assert.equal(requests[0]!.length, 4);
    assert.equal(requestsOf(events.slice(0, 3).map((e) => ({ ...busEntryOf(e, 'bus'), Detail: '{}' }))).length, 1);
  });

  it('refuses an entry over 256 KB rather than send what EventBridge would refuse', () => {
    const entry = { ...busEntryOf(oneOfEach()[0]!, 'bus'), Detail: JSON.stringify({ x: 'y'.repeat(MAX_ENTRY_BYTES) }) };
    assert.throws(() => requestsOf([entry]), /256 KB/);
  });
});
