import type { VideoNotification, VideoNotifier } from '../video/apply-video-event';
import type { Notification } from './notifier';
import type { Notify } from './notify-once';

/** Where a recording's copy lands in the stage's bucket, `s3://<bucket>/<key>` (lib/recordings/recording-key.ts). */
export type CopyLocation = (roomSessionId: string, recordingId: string, url: string) => string;

/**
 * Video notifications through the worker's `notify`: claimed per event key, published at most once. Given where
 * copies land (the stage has a recordings bucket), a `recording.ready` with a URL names its copy's `s3_location`: the
 * copier (lib/recordings) puts it there shortly after.
 */
export function createVideoNotifier(notify: Notify, copyLocation?: CopyLocation): VideoNotifier {
  return {
    async notify(notification) {
      await notify(videoNotification(notification, copyLocation));
    },
  };
}

export function videoNotification(n: VideoNotification, copyLocation?: CopyLocation): Notification {
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
  // The copier copies only what has a URL, to this very key.
  const copy = copyLocation && n.url ? copyLocation(n.roomSessionId, n.recordingId, n.url) : undefined;
  return {
    eventKey: `recording.ready:${n.recordingId}`,
    kind: 'recording.ready',
    subject: `Recording ready${duration}`,
    text:
      `Recording ${n.recordingId} of room session ${n.roomSessionId} is ready${duration}.${n.url ? `\n${n.url}` : ''}` +
      (copy ? `\nIts copy lands at ${copy} (\`webhooks recordings get ${n.recordingId}\` once copied).` : ''),
    details: {
      room_session_id: n.roomSessionId,
      room_id: n.roomId,
      recording_id: n.recordingId,
      url: n.url,
      duration_seconds: n.durationSeconds,
      ...(copy !== undefined && { s3_location: copy }),
    },
  };
}
