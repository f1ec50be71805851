import type { VideoEvent } from './normalize-video-event';
import { buildEvent } from '../events/build-event';
import type { DomainEvent } from '../events/domain-event';

/**
 * The event of a video event applied to its room session; none for `recording.started` (the product reports a
 * recording once it is complete). Identified by the session and the event's own natural key (video-event-key.ts).
 */
export function videoChangeEvent(
  event: VideoEvent & { roomSessionId: string },
  recordingId: string,
): DomainEvent | undefined {
  const session = event.roomSessionId;
  const at = (subject: string) => ({ occurredAt: event.occurredAt, subject, change: [session, event.eventKey] });
  const room = { room_session_id: session, room_id: event.roomId };
  switch (event.type) {
    case 'room.started':
      return buildEvent('Room Session Started', at(`room-session/${session}`), { ...room, room_name: event.roomName });
    case 'room.ended':
      return buildEvent('Room Session Ended', at(`room-session/${session}`), { ...room, room_name: event.roomName });
    case 'member.joined':
    case 'member.left': {
      const member = event.memberId ?? '';
      const data = { ...room, member_id: member, member_name: event.memberName };
      const where = at(`room-session/${session}/member/${member}`);
      return event.type === 'member.joined'
        ? buildEvent('Member Joined', where, data)
        : buildEvent('Member Left', where, data);
    }
    case 'recording.completed':
      return buildEvent('Recording Completed', at(`room-session/${session}/recording/${recordingId}`), {
        ...room,
        recording_id: recordingId,
        url: event.recordingUrl,
        duration_seconds: event.durationSeconds,
      });
    default:
      return undefined;
  }
}
