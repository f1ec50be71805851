import type { VideoNotification, VideoNotifier } from '../video/apply-video-event';
import type { Notification } from './notifier';
import type { Notify } from './notify-once';

/** Video notifications through the worker's `notify`: claimed per event key, published at most once. */
export function createVideoNotifier(notify: Notify): VideoNotifier {
  return {
    async notify(notification) {
      await notify(videoNotification(notification));
    },
  };
}

export function videoNotification(n: VideoNotification): Notification {
  if (n.type === 'room.started') {
    const room = n.roomName ?? n.roomId ?? n.roomSessionId;
    return {
      eventKey: `room.started:${n.roomSessionId}`,
      kind: 'room.started',
      subject: `Video room started: ${room}`,
      text: `Room ${room} started at ${n.startedAt}.\nRoom session: ${n.roomSessionId}`,
      details: { room_session_id: n.roomSessionId, room_id: n.roomId, room_name: n.roomName, started_at: n.startedAt },
    };
  }
  const duration = n.durationSeconds === undefined ? '' : ` (${n.durationSeconds} s)`;
  return {
    eventKey: `recording.ready:${n.recordingId}`,
    kind: 'recording.ready',
    subject: `Recording ready${duration}`,
    text: `Recording ${n.recordingId} of room session ${n.roomSessionId} is ready${duration}.${n.url ? `\n${n.url}` : ''}`,
    details: {
      room_session_id: n.roomSessionId,
      room_id: n.roomId,
      recording_id: n.recordingId,
      url: n.url,
      duration_seconds: n.durationSeconds,
    },
  };
}
