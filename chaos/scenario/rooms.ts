import { json, pickFrom, type NewDelivery, type Effect } from './delivery';
import { ROUTE_NAME_BY_TYPE } from '../../lib/video/video-event-type';

type Step =
  | { type: 'room.started' | 'room.ended'; at: number }
  | { type: 'member.joined' | 'member.left'; member: string; at: number }
  | { type: 'recording.started' | 'recording.completed'; recording: string; at: number };

/**
 * One room session with many members (5 to `maxMembers`), most of whom leave again, and one recording served at
 * `recordingUrl` (its URL in `recording.completed`), named in one of the three ways SignalWire names video events
 * (flat `event`, Realtime `event_type` + params, per-event route).
 */
export function roomDeliveries(
  index: number,
  base: number,
  random: () => number,
  maxMembers: number,
  recordingUrl: string,
): NewDelivery[] {
  const session = roomSessionOf(index);
  const naming = pickFrom(['flat', 'realtime', 'route'] as const, random);
  const start = base + index * 1000;
  const members = 5 + Math.floor(random() * (maxMembers - 4));
  const steps: Step[] = [{ type: 'room.started', at: start }];
  for (let m = 0; m < members; m++) {
    const member = `${session}-m${m}`;
    steps.push({ type: 'member.joined', member, at: start + 1000 + m * 10 });
    if (random() < 0.6) steps.push({ type: 'member.left', member, at: start + 60_000 + m * 10 });
  }
  const recording = recordingOf(index);
  steps.push(
    { type: 'recording.started', recording, at: start + 2000 },
    { type: 'recording.completed', recording, at: start + 50_000 },
  );
  steps.push({ type: 'room.ended', at: start + 120_000 });
  return steps.map((step) => delivery(session, step, naming, recordingUrl));
}

export const roomSessionOf = (index: number) => `chaos-room-${index}`;
export const recordingOf = (index: number) => `${roomSessionOf(index)}-rec`;

function effectOf(session: string, step: Step): Effect {
  const base = { kind: 'video' as const, roomSessionId: session };
  if ('member' in step)
    return {
      ...base,
      eventKey: `${step.type}:${step.member}`,
      memberId: step.member,
      side: step.type === 'member.joined' ? 'joined' : 'left',
    };
  if ('recording' in step) {
    return {
      ...base,
      eventKey: `${step.type}:${step.recording}`,
      ...(step.type === 'recording.completed' && { notifies: `recording.ready:${step.recording}` }),
    };
  }
  return { ...base, eventKey: step.type, ...(step.type === 'room.started' && { notifies: `room.started:${session}` }) };
}

function delivery(
  session: string,
  step: Step,
  naming: 'flat' | 'realtime' | 'route',
  recordingUrl: string,
): NewDelivery {
  const effect = effectOf(session, step);
  const flat: Record<string, unknown> = {
    room_id: `room-of-${session}`,
    room_session_id: session,
    room_name: 'standup',
    timestamp: new Date(step.at).toISOString(),
  };
  if ('member' in step) Object.assign(flat, { member_id: step.member, member_name: `name ${step.member}` });
  if ('recording' in step)
    Object.assign(flat, {
      recording_id: step.recording,
      ...(step.type === 'recording.completed' && {
        recording_url: recordingUrl,
        duration: 48,
      }),
    });
  if (naming === 'flat') return json('/video/events', { event: step.type, ...flat }, effect);
  if (naming === 'route') return json(`/video/${ROUTE_NAME_BY_TYPE[step.type]}`, flat, effect);
  const params: Record<string, unknown> = {
    room_id: flat.room_id,
    room_session_id: session,
    room_session: { id: session, room_id: flat.room_id, name: 'standup' },
  };
  if ('member' in step) params.member = { id: step.member, room_session_id: session, name: `name ${step.member}` };
  if ('recording' in step) {
    const done = step.type === 'recording.completed';
    params.recording = {
      id: step.recording,
      state: done ? 'completed' : 'recording',
      ...(done && { url: flat.recording_url, duration: 48 }),
    };
  }
  const name = step.type === 'recording.completed' ? 'video.recording.ended' : `video.${step.type}`;
  return json(
    '/video/events',
    { event_type: name, event_channel: `room.${session}`, timestamp: step.at / 1000, params },
    effect,
  );
}
