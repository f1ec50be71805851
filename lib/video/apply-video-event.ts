import { type ChangeEvents, NO_EVENTS, readAppliedByThis } from '../events/change-events';
import { videoChangeEvent } from './video-events';
import type { RecordingCopies } from '../recordings/recording-job';
import type { RoomSession } from './room-session';
import type { VideoEvent } from './normalize-video-event';

export type VideoOutcome = 'applied' | 'member-counted' | 'member-recorded-uncounted' | 'duplicate';

/** A video event filed in its room session (the payload's, or the room's latest: RoomStore.sessionOf). */
export type SessionVideoEvent = VideoEvent & { roomSessionId: string };

/**
 * The port the video use case needs; lib/store/room-store.ts implements it on DynamoDB. Every write is one
 * conditional update of one item of the session (the session, a member, a recording) that refuses what was
 * already applied; false means the condition did not hold (nothing was written).
 */
export interface RoomStore {
  /** The session of an event without room_session_id: the room's latest; a room.started opens a new one. */
  sessionOf(event: VideoEvent & { roomId: string }): Promise<string>;
  /** The room's latest session (the last one started), for `webhooks rooms show <room id>`. */
  latestSessionOf(roomId: string): Promise<string | undefined>;
  /** Files the session (created when new) and refreshes it; no condition, so a repeat changes nothing. */
  touch(event: SessionVideoEvent): Promise<void>;
  /** Room and recording events. `by` (every write's): the delivery applying it, recorded with the change. */
  record(event: SessionVideoEvent, by?: string): Promise<boolean>;
  /** member.joined for a member not seen leaving: the member counts. */
  joinCounted(event: SessionVideoEvent, by?: string): Promise<boolean>;
  /** member.joined arriving after the same member's member.left: recorded, never counted. */
  joinAfterLeft(event: SessionVideoEvent, by?: string): Promise<boolean>;
  /** member.left for a member whose join was counted: the member no longer counts. */
  leaveCounted(event: SessionVideoEvent, by?: string): Promise<boolean>;
  /** member.left arriving before the member's join: recorded, and that join will never count. */
  leaveBeforeJoined(event: SessionVideoEvent, by?: string): Promise<boolean>;
  /** The delivery that applied this event (a consistent read), if any did. */
  appliedBy(event: SessionVideoEvent): Promise<string | undefined>;
  get(roomSessionId: string): Promise<RoomSession | undefined>;
}

/** What operators hear about: a room started, a recording ready. */
export type VideoNotification =
  | { type: 'room.started'; roomSessionId: string; roomId?: string; roomName?: string; startedAt: string }
  | {
      type: 'recording.ready';
      roomSessionId: string;
      roomId?: string;
      recordingId: string;
      url?: string;
      durationSeconds?: number;
    };

/**
 * The port to the notifications module (an SNS topic in the deployed stack): at most once per notification, under
 * its own claim (lib/notifications/notify-once.ts), which recognises a claim of its own whose answer was lost.
 */
export interface VideoNotifier {
  notify(notification: VideoNotification): Promise<void>;
}

/**
 * Applies one video event to its room session: one conditional write when in order, at most three for a member
 * event that races its counterpart. The member count is |joined \ left|: a member counts once joined unless
 * already seen leaving, so duplicates and any order of join and leave leave it right and never negative.
 */
export async function applyVideoEvent(
  payloadEvent: VideoEvent,
  store: RoomStore,
  notifier?: VideoNotifier,
  copies?: RecordingCopies,
  events: ChangeEvents = NO_EVENTS,
): Promise<VideoOutcome> {
  const event = await inSession(payloadEvent, store);
  // Room events write the session item themselves; the others file it first (a repeat changes nothing).
  if (event.type !== 'room.started' && event.type !== 'room.ended') await store.touch(event);
  const outcome = await applyToRoom(event, store, events.delivery || undefined);
  // Each video event is one change of its session: reported when applied, and again (same id) by a later attempt of
  // the delivery that applied it (one read, for a duplicate only).
  const change = videoChangeEvent(event, recordingIdOf(event));
  if (
    change !== undefined &&
    (outcome !== 'duplicate' || (await readAppliedByThis(events, () => store.appliedBy(event))))
  )
    events.emit(change);
  // Also after a duplicate: the delivery that applied the event may have died before notifying.
  const notification = notificationFor(event);
  if (notification !== undefined) await notifier?.notify(notification);
  // Also after a duplicate, for the same reason: the copier files a repeat without copying again.
  if (event.type === 'recording.completed' && event.recordingUrl !== undefined && copies !== undefined) {
    await copies.request({
      version: 1,
      room_session_id: event.roomSessionId,
      recording_id: recordingIdOf(event),
      url: event.recordingUrl,
      ...(event.roomId !== undefined && { room_id: event.roomId }),
      ...(event.durationSeconds !== undefined && { duration_seconds: event.durationSeconds }),
      requested_at: new Date().toISOString(),
    });
  }
  return outcome;
}

async function inSession(event: VideoEvent, store: RoomStore): Promise<SessionVideoEvent> {
  if (event.roomSessionId !== undefined) return event as SessionVideoEvent;
  const roomSessionId = await store.sessionOf(event as VideoEvent & { roomId: string });
  return { ...event, roomSessionId };
}

async function applyToRoom(event: SessionVideoEvent, store: RoomStore, by: string | undefined): Promise<VideoOutcome> {
  switch (event.type) {
    case 'member.joined':
      if (await store.joinCounted(event, by)) return 'member-counted';
      return (await store.joinAfterLeft(event, by)) ? 'member-recorded-uncounted' : 'duplicate';
    case 'member.left':
      if (await store.leaveCounted(event, by)) return 'member-counted';
      if (await store.leaveBeforeJoined(event, by)) return 'member-recorded-uncounted';
      // Both refused and not a duplicate: the join landed between the two writes and counted, so uncount it now.
      return (await store.leaveCounted(event, by)) ? 'member-counted' : 'duplicate';
    default:
      return (await store.record(event, by)) ? 'applied' : 'duplicate';
  }
}

function notificationFor(event: SessionVideoEvent): VideoNotification | undefined {
  const room = { roomSessionId: event.roomSessionId, ...(event.roomId !== undefined && { roomId: event.roomId }) };
  if (event.type === 'room.started') {
    return {
      type: 'room.started',
      ...room,
      ...(event.roomName && { roomName: event.roomName }),
      startedAt: new Date(event.occurredAt).toISOString(),
    };
  }
  if (event.type === 'recording.completed') {
    return {
      type: 'recording.ready',
      ...room,
      recordingId: recordingIdOf(event),
      ...(event.recordingUrl && { url: event.recordingUrl }),
      ...(event.durationSeconds !== undefined && { durationSeconds: event.durationSeconds }),
    };
  }
  return undefined;
}

/**
 * The id a recording is filed under. Payloads without recording_id are keyed (video-event-key.ts) by their URL or
 * timestamp: the same fallback, read from the event key so both always agree.
 */
export function recordingIdOf(event: VideoEvent): string {
  return event.recordingId ?? event.eventKey.slice(event.type.length + 1);
}
