import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PermanentError } from '../../lib/errors';
import { normalizeVideoEvent, type VideoEvent } from '../../lib/video/normalize-video-event';
import { deliveriesTo, loadDelivery } from '../helpers/fixtures';
import { assertPermanent } from '../helpers/assertions';

const RECEIVED_AT = '2025-01-15T12:00:00.000Z';

/** The `{event}` of `/video/{event}` a fixture was posted to. */
function routeEventName(url: string): string | undefined {
  return /^\/video\/([^/]+)$/.exec(new URL(url).pathname)?.[1];
}

describe('normalizeVideoEvent', () => {
  // [test, fixture, the event it must give]
  const fixtures: Array<[string, string, VideoEvent]> = [
    [
      'reads the room-started fixture posted to /video/room-started',
      'video-room-started.json',
      {
        type: 'room.started',
        roomSessionId: 'rs-0001',
        roomId: 'r-0001',
        roomName: 'my-meeting',
        occurredAt: Date.UTC(2025, 0, 15, 10, 30, 0),
        eventKey: 'room.started',
        shape: 'flat',
      },
    ],
    [
      'reads the member-joined fixture posted to the catch-all /video/events',
      'video-member-joined.json',
      {
        type: 'member.joined',
        roomSessionId: 'rs-0001',
        roomId: 'r-0001',
        roomName: 'my-meeting',
        memberId: 'mem-01',
        memberName: 'Alice',
        occurredAt: Date.UTC(2025, 0, 15, 10, 30, 5),
        eventKey: 'member.joined:mem-01',
        shape: 'flat',
      },
    ],
    [
      'reads the recording fixture posted to /video/recording-ready',
      'video-recording-completed.json',
      {
        type: 'recording.completed',
        roomSessionId: 'rs-0001',
        roomId: 'r-0001',
        recordingId: 'rec-01',
        recordingUrl: 'https://example.com/recordings/rec-01.mp4',
        durationSeconds: 1800,
        occurredAt: Date.UTC(2025, 0, 15, 11, 0, 0),
        eventKey: 'recording.completed:rec-01',
        shape: 'flat',
      },
    ],
  ];
  for (const [title, file, expected] of fixtures) {
    it(title, () => {
      const { url, payload } = loadDelivery(file);
      assert.deepEqual(normalizeVideoEvent(payload, RECEIVED_AT, routeEventName(url)), expected);
    });
  }
  it('posts the member-joined fixture to the catch-all /video/events', () => {
    assert.equal(routeEventName(loadDelivery('video-member-joined.json').url), 'events');
  });

  it('normalizes every /video fixture without error', () => {
    const videos = deliveriesTo((path) => path.startsWith('/video/'));
    assert.ok(videos.length >= 3);
    for (const { url, payload } of videos)
      assert.ok(normalizeVideoEvent(payload, RECEIVED_AT, routeEventName(url)).eventKey);
  });

  it('takes the event from the route when the body names none', () => {
    const event = normalizeVideoEvent(
      { room_id: 'r-1', room_session_id: 'rs-1', member_id: 'm-9' },
      RECEIVED_AT,
      'member-left',
    );
    assert.equal(event.type, 'member.left');
    assert.equal(event.eventKey, 'member.left:m-9');
  });

  it('reads Realtime events nested under params, with epoch-second timestamps', () => {
    const payload = {
      event_type: 'video.member.joined',
      timestamp: 1736937005.25,
      params: {
        room_session_id: 'rs-2',
        room_id: 'r-2',
        member: { id: 'mem-7', name: 'Zoë 🎥', room_session_id: 'rs-2' },
      },
    };
    assert.deepEqual(normalizeVideoEvent(payload, RECEIVED_AT), {
      type: 'member.joined',
      roomSessionId: 'rs-2',
      roomId: 'r-2',
      memberId: 'mem-7',
      memberName: 'Zoë 🎥',
      occurredAt: 1736937005250,
      eventKey: 'member.joined:mem-7',
      shape: 'relay',
    });
  });

  it('maps Realtime room and recording names onto the flat set', () => {
    const room = { room_session: { id: 'rs-3', room_id: 'r-3', name: 'standup' } };
    assert.equal(normalizeVideoEvent({ event_type: 'video.room.ended', params: room }, RECEIVED_AT).type, 'room.ended');
    assert.equal(
      normalizeVideoEvent({ event_type: 'video.room.ended', params: room }, RECEIVED_AT).roomName,
      'standup',
    );
    const recording = (eventType: string, state: string) => ({
      event_type: eventType,
      params: { room_session_id: 'rs-3', room_id: 'r-3', recording: { id: 'rec-3', state, duration: 12.5 } },
    });
    const ended = normalizeVideoEvent(recording('video.recording.ended', 'completed'), RECEIVED_AT, 'recording-ready');
    assert.equal(ended.type, 'recording.completed');
    assert.equal(ended.durationSeconds, 12.5);
    assert.equal(
      normalizeVideoEvent(recording('video.recording.updated', 'completed'), RECEIVED_AT).eventKey,
      'recording.completed:rec-3',
    );
    assert.equal(
      normalizeVideoEvent(recording('video.recording.started', 'recording'), RECEIVED_AT).type,
      'recording.started',
    );
    assertPermanent(
      () => normalizeVideoEvent(recording('video.recording.updated', 'paused'), RECEIVED_AT),
      /recording.updated with state "paused" is not tracked/,
    );
  });

  it('accepts a payload that names the session but not the room', () => {
    const event = normalizeVideoEvent(
      { event: 'member.joined', room_session_id: 'rs-only', member_id: 'm-1', timestamp: '2025-01-15T09:00:00Z' },
      RECEIVED_AT,
    );
    assert.equal(event.roomSessionId, 'rs-only');
    assert.equal(event.roomId, undefined);
    assert.throws(
      () => normalizeVideoEvent({ event: 'member.joined', member_id: 'm-1' }, RECEIVED_AT),
      /missing room id and room session id/,
    );
  });

  it('leaves a missing session id to the store (the room latest session), telling room starts apart by their own timestamp', () => {
    // given the documented flat shape, which carries only room_id
    const first = { event: 'room.started', room_id: 'r-4', timestamp: '2025-01-15T09:00:00Z' };
    const second = { ...first, timestamp: '2025-01-15T15:00:00Z' };
    // when
    const a = normalizeVideoEvent(first, RECEIVED_AT);
    const b = normalizeVideoEvent(second, RECEIVED_AT);
    const retriedLater = normalizeVideoEvent(first, '2025-01-15T12:00:08.000Z');
    // then
    assert.equal(a.roomSessionId, undefined);
    assert.equal(a.roomId, 'r-4');
    assert.notEqual(a.eventKey, b.eventKey);
    assert.equal(a.eventKey, retriedLater.eventKey);
  });

  it('keys a recording without recording_id by its URL', () => {
    const event = normalizeVideoEvent(
      { event: 'recording.completed', room_id: 'r-5', recording_url: 'https://x.example/r.mp4', duration: '30' },
      RECEIVED_AT,
    );
    assert.equal(event.eventKey, 'recording.completed:https://x.example/r.mp4');
    assert.equal(event.durationSeconds, 30);
  });

  const badCases: Array<[string, Record<string, unknown>, string | undefined, RegExp]> = [
    [
      'route and body disagree',
      { event: 'member.joined', room_id: 'r', member_id: 'm' },
      'room-ended',
      /route says room.ended but body says member.joined/,
    ],
    [
      'an unknown route',
      { event: 'room.started', room_id: 'r' },
      'room-exploded',
      /unknown route event "room-exploded"/,
    ],
    ['an unknown body event', { event: 'room.exploded', room_id: 'r' }, undefined, /unknown event "room.exploded"/],
    ['no event anywhere', { room_id: 'r' }, 'events', /missing event type/],
    ['no room id', { event: 'room.started' }, undefined, /missing room id/],
    [
      'a member event without member id',
      { event: 'member.left', room_id: 'r' },
      undefined,
      /member.left without member id/,
    ],
    ['a numeric room id', { event: 'room.started', room_id: 7 }, undefined, /room id is not a string/],
    [
      'a negative duration',
      { event: 'recording.completed', room_id: 'r', recording_id: 'x', duration: -1 },
      undefined,
      /duration/,
    ],
    [
      'a non-http recording url',
      { event: 'recording.completed', room_id: 'r', recording_url: 'file:///etc/passwd' },
      undefined,
      /recording url/,
    ],
    [
      'params not an object',
      { event_type: 'video.room.started', params: 'x', room_id: 'r' },
      undefined,
      /params is not an object/,
    ],
    [
      'member not an object',
      { event_type: 'video.member.joined', params: { room_id: 'r', member: [] } },
      undefined,
      /member is not an object/,
    ],
  ];
  for (const [name, payload, route, reason] of badCases) {
    it(`refuses ${name} with a PermanentError`, () => {
      assertPermanent(() => normalizeVideoEvent(payload, RECEIVED_AT, route), reason);
    });
  }

  it('never throws anything but PermanentError, whatever the payload', () => {
    const key = fc.constantFrom(
      'event',
      'event_type',
      'room_id',
      'room_session_id',
      'member_id',
      'recording_id',
      'recording_url',
      'duration',
      'timestamp',
      'params',
      'room_name',
    );
    const value = fc.oneof(
      fc.constantFrom('room.started', 'video.member.left', 'video.recording.updated', 'r-1'),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const route = fc.option(fc.constantFrom('events', 'room-started', 'recording-ready', 'nope'), { nil: undefined });
    fc.assert(
      fc.property(fc.dictionary(key, value), route, (payload, routeName) => {
        try {
          const event = normalizeVideoEvent(payload, RECEIVED_AT, routeName);
          assert.ok(event.eventKey.startsWith(event.type));
        } catch (error) {
          assert.ok(error instanceof PermanentError, String(error));
        }
      }),
      { numRuns: 300 },
    );
  });
});
