import { isoTime } from '../time';
import type { RoomMember, RoomRecording, RoomSession } from '../video/room-session';

/**
 * The room-session partition's layout (room-store.ts writes it), so a room of any size stays under DynamoDB's
 * 400 KB item limit: the session item (sk `ROOM`: times, names, the few room-level event keys and notification
 * claims), one item per member (sk `MEMBER#<id>`) and one per recording (sk `RECORDING#<id>`).
 */
export const roomPartition = (roomSessionId: string) => `ROOM#${roomSessionId}`;
export const roomKey = (roomSessionId: string) => ({ pk: roomPartition(roomSessionId), sk: 'ROOM' });
export const memberKey = (roomSessionId: string, memberId: string) => ({
  pk: roomPartition(roomSessionId),
  sk: `MEMBER#${memberId}`,
});
export const recordingKey = (roomSessionId: string, recordingId: string) => ({
  pk: roomPartition(roomSessionId),
  sk: `RECORDING#${recordingId}`,
});

/** The session from every item of its partition (the session item first or not); undefined without a session item. */
export function roomSessionFromItems(items: readonly Record<string, unknown>[]): RoomSession | undefined {
  const session = items.find((item) => item.sk === 'ROOM');
  if (session === undefined) return undefined;
  const members: RoomMember[] = [];
  const recordings: RoomRecording[] = [];
  let inRoom = 0;
  for (const item of items) {
    const sk = String(item.sk);
    if (sk.startsWith('MEMBER#')) {
      members.push({
        id: sk.slice(7),
        name: stringOrNull(item.name),
        joined_at: timeOrNull(item.joined_at),
        left_at: timeOrNull(item.left_at),
      });
      if (item.in_room === 1) inRoom += 1;
    } else if (sk.startsWith('RECORDING#')) {
      recordings.push({
        id: sk.slice(10),
        url: stringOrNull(item.url),
        duration_seconds: typeof item.duration === 'number' ? item.duration : null,
        state: item.state === 'completed' ? 'completed' : 'started',
        started_at: timeOrNull(item.started_at),
        completed_at: timeOrNull(item.completed_at),
        s3_bucket: stringOrNull(item.s3_bucket),
        s3_key: stringOrNull(item.s3_key),
        size: typeof item.size === 'number' ? item.size : null,
        sha256: stringOrNull(item.sha256),
        copied_at: typeof item.copied_at === 'string' ? item.copied_at : timeOrNull(item.copied_at),
      });
    }
  }
  return {
    room_session_id: session.room_session_id as string,
    room_id: stringOrNull(session.room_id),
    room_name: stringOrNull(session.room_name),
    started_at: timeOrNull(session.started_at),
    ended_at: timeOrNull(session.ended_at),
    // Exact: each member item says whether its member counts (room-store.ts decides it in one conditional write).
    member_count: inRoom,
    members: members.sort(byTimeThenId((m) => m.joined_at ?? m.left_at)),
    recordings: recordings.sort(byTimeThenId((r) => r.started_at ?? r.completed_at)),
    first_seen_at: session.first_seen_at as string,
    updated_at: session.updated_at as string,
  };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function timeOrNull(value: unknown): string | null {
  return typeof value === 'number' ? isoTime(value) : null;
}

// Undated entries last; ISO strings of one format sort as text.
function byTimeThenId<T extends { id: string }>(timeOf: (entry: T) => string | null) {
  return (a: T, b: T) => (timeOf(a) ?? '~').localeCompare(timeOf(b) ?? '~') || a.id.localeCompare(b.id);
}
