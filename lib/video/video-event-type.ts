import { PermanentError } from '../errors';
import { quoteForReason } from '../signalwire/payload-fields';

/**
 * The six video events the product tracks, named as the flat documentation names them. Realtime SDK names
 * (`video.room.started` ...) and the `/video/{event}` route names map one to one onto these.
 */
export type VideoEventType =
  | 'room.started'
  | 'room.ended'
  | 'member.joined'
  | 'member.left'
  | 'recording.started'
  | 'recording.completed';

const VIDEO_EVENT_TYPES: readonly VideoEventType[] = [
  'room.started',
  'room.ended',
  'member.joined',
  'member.left',
  'recording.started',
  'recording.completed',
];

const CONTEXT = 'video';

const TYPE_BY_ROUTE_NAME: Readonly<Record<string, VideoEventType>> = {
  'room-started': 'room.started',
  'room-ended': 'room.ended',
  'member-joined': 'member.joined',
  'member-left': 'member.left',
  'recording-started': 'recording.started',
  'recording-ready': 'recording.completed',
};

/** The per-event route name of each event (`/video/{name}`), for senders and tests: the map above, inverted. */
export const ROUTE_NAME_BY_TYPE = Object.fromEntries(
  Object.entries(TYPE_BY_ROUTE_NAME).map(([name, type]) => [type, name]),
) as Readonly<Record<VideoEventType, string>>;

// `/video/events` is the catch-all route: the body names the event.
const CATCH_ALL_ROUTE_NAMES = new Set(['events']);

/** The event a route names, or undefined for the catch-all route; an unknown route name is refused. */
export function videoEventTypeFromRoute(routeEventName: string | undefined): VideoEventType | undefined {
  if (routeEventName === undefined || routeEventName === '' || CATCH_ALL_ROUTE_NAMES.has(routeEventName))
    return undefined;
  const type = Object.hasOwn(TYPE_BY_ROUTE_NAME, routeEventName) ? TYPE_BY_ROUTE_NAME[routeEventName] : undefined;
  if (type === undefined) throw new PermanentError(`${CONTEXT}: unknown route event ${quoteForReason(routeEventName)}`);
  return type;
}

/**
 * The event a body names (`event` in flat bodies, `event_type` in Realtime ones), or undefined when it names none.
 * `recording.ended` is the Realtime name of `recording.completed`; `recording.updated` counts only once its
 * state is `completed`: other updates (paused, resumed) are not tracked and are refused as such.
 */
export function videoEventTypeFromBody(eventName: unknown, recordingState: unknown): VideoEventType | undefined {
  if (eventName === undefined || eventName === null || eventName === '') return undefined;
  if (typeof eventName !== 'string') throw new PermanentError(`${CONTEXT}: event name is not a string`);
  const name = eventName
    .trim()
    .toLowerCase()
    .replace(/^video\./, '');
  if (name === 'recording.ended') return 'recording.completed';
  if (name === 'recording.updated') {
    if (recordingState === 'completed') return 'recording.completed';
    throw new PermanentError(
      `${CONTEXT}: recording.updated with state ${quoteForReason(recordingState)} is not tracked`,
    );
  }
  const type = VIDEO_EVENT_TYPES.find((known) => known === name);
  if (type === undefined) throw new PermanentError(`${CONTEXT}: unknown event ${quoteForReason(eventName)}`);
  return type;
}

/**
 * Route and body together: the body wins when both are present, but they must agree, since a delivery
 * posted to `/video/room-ended` that says `member.joined` is misconfigured or forged, not to be guessed at.
 */
export function resolveVideoEventType(
  routeType: VideoEventType | undefined,
  bodyType: VideoEventType | undefined,
): VideoEventType {
  if (routeType !== undefined && bodyType !== undefined && routeType !== bodyType) {
    throw new PermanentError(`${CONTEXT}: route says ${routeType} but body says ${bodyType}`);
  }
  const type = bodyType ?? routeType;
  if (type === undefined) throw new PermanentError(`${CONTEXT}: missing event type`);
  return type;
}
