import { PermanentError } from '../errors';
import type { VideoEventType } from './video-event-type';

export interface VideoEventKeyParts {
  type: VideoEventType;
  /** True when the payload carried no room_session_id and the room id stands in for it. */
  roomSessionIdIsRoomId: boolean;
  memberId?: string;
  recordingId?: string;
  recordingUrl?: string;
  /** The payload's own timestamp (not the receive time), epoch ms, when it had one. */
  payloadTimestamp?: number;
}

/**
 * The natural idempotency key of a video event within its room session: 'room.started',
 * 'member.joined:mem-01', 'recording.completed:rec-01'. A redelivery produces the same key, a different
 * event a different one.
 *
 * Two fall-backs for payloads that lack the usual ids (the flat documentation shows only room_id):
 * - without room_session_id the room id stands for the session, but a room is started again and again, so the
 *   room events are told apart by the payload's own timestamp ('room.started:1736937000000');
 * - a recording without recording_id is keyed by its URL, or failing that by the payload timestamp.
 * The receive time is never used: a retried delivery is received later and must still produce the same key.
 */
export function videoEventKey(parts: VideoEventKeyParts): string {
  const { type } = parts;
  switch (type) {
    case 'member.joined':
    case 'member.left':
      if (parts.memberId === undefined) throw new PermanentError(`video: ${type} without member id`);
      return `${type}:${parts.memberId}`;
    case 'recording.started':
    case 'recording.completed': {
      const recordingKey = parts.recordingId ?? parts.recordingUrl ?? parts.payloadTimestamp;
      if (recordingKey === undefined) throw new PermanentError(`video: ${type} without recording id`);
      return `${type}:${recordingKey}`;
    }
    case 'room.started':
    case 'room.ended':
      return parts.roomSessionIdIsRoomId && parts.payloadTimestamp !== undefined
        ? `${type}:${parts.payloadTimestamp}`
        : type;
  }
}
