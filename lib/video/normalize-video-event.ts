import { PermanentError } from '../errors';
import { occurredAtFrom, parseTimestamp } from '../signalwire/occurred-at';
import {
  MAX_URL_LENGTH,
  readOptionalNonBlank,
  readOptionalNonNegativeNumber,
  readOptionalObject,
  type Payload,
} from '../signalwire/payload-fields';
import { videoEventKey } from './video-event-key';
import {
  resolveVideoEventType,
  videoEventTypeFromBody,
  videoEventTypeFromRoute,
  type VideoEventType,
} from './video-event-type';

export interface VideoEvent {
  type: VideoEventType;
  /**
   * The room session (one meeting), when the payload names it. The flat documentation's payloads do not: such an
   * event is filed in its room's latest session, and a room.started opens a new one (RoomStore.sessionOf).
   */
  roomSessionId?: string;
  /** Absent from some payloads that name the session. */
  roomId?: string;
  roomName?: string;
  memberId?: string;
  memberName?: string;
  recordingId?: string;
  recordingUrl?: string;
  durationSeconds?: number;
  /** Epoch milliseconds. */
  occurredAt: number;
  /** Natural idempotency key within the room session, e.g. 'member.joined:mem-01'. */
  eventKey: string;
  /** flat JSON, or a Realtime SDK event (RELAY family) nested under `params`. */
  shape: 'flat' | 'relay';
}

const CONTEXT = 'video';

/**
 * Flat: {event, room_id, room_session_id, room_name, member_id, member_name, recording_id, recording_url, duration, timestamp}
 * Realtime: {event_type: 'video.member.joined', timestamp, params: {room_id, room_session_id, room_session: {...},
 *   member: {id, name}, recording: {id, state, duration, url}}}
 * `routeEventName` is the `{event}` of `/video/{event}` (e.g. 'recording-ready'); the body wins but must agree.
 */
export function normalizeVideoEvent(payload: Payload, receivedAt: string, routeEventName?: string): VideoEvent {
  const isRealtime = payload.params !== undefined && payload.params !== null;
  const fields = isRealtime ? flattenRealtime(payload) : payload;
  const type = resolveVideoEventType(
    videoEventTypeFromRoute(routeEventName),
    videoEventTypeFromBody(payload.event_type ?? payload.event, fields.recording_state ?? fields.state),
  );
  const roomId = readId(fields, 'room_id', 'room id');
  const sessionId = readId(fields, 'room_session_id', 'room session id');
  if (roomId === undefined && sessionId === undefined)
    throw new PermanentError(`${CONTEXT}: missing room id and room session id`);

  const details = {
    roomName: readId(fields, 'room_name', 'room name'),
    memberId: readId(fields, 'member_id', 'member id'),
    memberName: readId(fields, 'member_name', 'member name'),
    recordingId: readId(fields, 'recording_id', 'recording id'),
    recordingUrl: readRecordingUrl(fields),
    durationSeconds: readOptionalNonNegativeNumber(fields, 'duration', CONTEXT, 'duration'),
  };
  const occurredAt = occurredAtFrom(fields.timestamp, receivedAt, CONTEXT);
  const hasOwnTimestamp = parseTimestamp(fields.timestamp) !== undefined;
  const eventKey = videoEventKey({
    type,
    roomSessionIdIsRoomId: sessionId === undefined,
    ...details,
    ...(hasOwnTimestamp ? { payloadTimestamp: occurredAt } : {}),
  });
  const ids = definedOnly({ roomSessionId: sessionId, roomId });
  const event: VideoEvent = {
    type,
    ...ids,
    ...definedOnly(details),
    occurredAt,
    eventKey,
    shape: isRealtime ? 'relay' : 'flat',
  };
  return event;
}

/** Lifts the Realtime `params` (and its nested room_session / member / recording objects) onto flat names. */
function flattenRealtime(payload: Payload): Payload {
  const params = readOptionalObject(payload, 'params', CONTEXT, 'params') ?? {};
  const session = readOptionalObject(params, 'room_session', CONTEXT, 'room_session') ?? {};
  const member = readOptionalObject(params, 'member', CONTEXT, 'member') ?? {};
  const recording = readOptionalObject(params, 'recording', CONTEXT, 'recording') ?? {};
  return {
    room_id: params.room_id ?? session.room_id ?? member.room_id ?? recording.room_id,
    room_session_id: params.room_session_id ?? session.id ?? member.room_session_id ?? recording.room_session_id,
    room_name: params.room_name ?? session.name ?? session.display_name,
    member_id: member.id ?? params.member_id,
    member_name: member.name ?? params.member_name,
    recording_id: recording.id ?? params.recording_id,
    recording_url: recording.url ?? params.recording_url,
    recording_state: recording.state ?? params.state,
    duration: recording.duration ?? params.duration,
    timestamp: payload.timestamp ?? params.timestamp,
  };
}

function readId(fields: Payload, key: string, label: string): string | undefined {
  return readOptionalNonBlank(fields, key, CONTEXT, label);
}

function readRecordingUrl(fields: Payload): string | undefined {
  const url = readOptionalNonBlank(fields, 'recording_url', CONTEXT, 'recording url', MAX_URL_LENGTH);
  if (url !== undefined && !/^https?:\/\/\S+$/i.test(url))
    throw new PermanentError(`${CONTEXT}: recording url is not an http(s) url`);
  return url;
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
