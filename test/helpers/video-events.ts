import { ROUTE_NAME_BY_TYPE } from '../../lib/video/video-event-type';

/** Video event deliveries in the three ways SignalWire names them (flat, Realtime `video.*` names, or named by the route; samples/README.md). */
export type VideoNaming = 'flat' | 'realtime' | 'route';

export type VideoStep =
  | { type: 'room.started' | 'room.ended'; at: string }
  | { type: 'member.joined' | 'member.left'; member: string; name?: string; at: string }
  | {
      type: 'recording.started' | 'recording.completed';
      recording: string;
      url?: string;
      duration?: number;
      at: string;
    };

/**
 * flat: `{event, room_session_id, ...}` to /video/events; realtime: `{event_type: 'video.…', params: {...}}` to
 * /video/events (recording.completed as `video.recording.ended`); route: flat fields without `event` to /video/{name}.
 */
export function videoDelivery(
  baseUrl: string,
  roomSessionId: string,
  step: VideoStep,
  naming: VideoNaming,
): Promise<Response> {
  const flat: Record<string, unknown> = {
    room_id: `room-of-${roomSessionId}`,
    room_session_id: roomSessionId,
    room_name: 'standup',
    timestamp: step.at,
  };
  if ('member' in step) Object.assign(flat, { member_id: step.member, ...(step.name && { member_name: step.name }) });
  if ('recording' in step) {
    Object.assign(flat, {
      recording_id: step.recording,
      ...(step.url && { recording_url: step.url }),
      ...(step.duration !== undefined && { duration: step.duration }),
    });
  }
  let path = '/video/events';
  let body: Record<string, unknown>;
  if (naming === 'flat') body = { event: step.type, ...flat };
  else if (naming === 'route') [path, body] = [`/video/${ROUTE_NAME_BY_TYPE[step.type]}`, flat];
  else body = realtime(step, flat);
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function realtime(step: VideoStep, flat: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = {
    room_id: flat.room_id,
    room_session_id: flat.room_session_id,
    room_session: { id: flat.room_session_id, room_id: flat.room_id, name: flat.room_name },
  };
  if ('member' in step)
    params.member = { id: step.member, room_session_id: flat.room_session_id, ...(step.name && { name: step.name }) };
  if ('recording' in step) {
    params.recording = {
      id: step.recording,
      state: step.type === 'recording.completed' ? 'completed' : 'recording',
      ...(step.url && { url: step.url }),
      ...(step.duration !== undefined && { duration: step.duration }),
    };
  }
  const name = step.type === 'recording.completed' ? 'video.recording.ended' : `video.${step.type}`;
  return { event_type: name, event_channel: 'room.x', timestamp: Date.parse(step.at) / 1000, params };
}

export { shuffle } from './shuffle';
