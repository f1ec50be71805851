import { isoTime } from '../time';
import type { RoomMember, RoomRecording, RoomSession } from '../video/room-session';

/** The room-session item's layout (room-store.ts writes it): per-member and per-recording attributes `<field>#<id>`. */
export const roomKey = (roomSessionId: string) => ({ pk: `ROOM#${roomSessionId}`, sk: 'ROOM' });

type MemberField = 'name' | 'joined_at' | 'left_at';
const MEMBER_PREFIX = 'member_';
const RECORDING_PREFIX = 'recording_';

// The field comes first and holds no '#', so the id after the first '#' is read back whole, whatever it contains.
export function memberAttribute(field: MemberField, memberId: string): string {
  return `${MEMBER_PREFIX}${field}#${memberId}`;
}

export function recordingAttribute(field: string, recordingId: string): string {
  return `${RECORDING_PREFIX}${field}#${recordingId}`;
}

export function roomSessionFromItem(item: Record<string, unknown>): RoomSession {
  const members = new Map<string, RoomMember>();
  const recordings = new Map<string, RoomRecording>();
  for (const [attribute, value] of Object.entries(item)) {
    const hash = attribute.indexOf('#');
    if (hash < 0) continue;
    const [prefix, id] = [attribute.slice(0, hash), attribute.slice(hash + 1)];
    if (prefix.startsWith(MEMBER_PREFIX)) setMemberField(entry(members, id, newMember), prefix.slice(MEMBER_PREFIX.length), value);
    else if (prefix.startsWith(RECORDING_PREFIX)) setRecordingField(entry(recordings, id, newRecording), prefix.slice(RECORDING_PREFIX.length), value);
  }
  return {
    room_session_id: item.room_session_id as string,
    room_id: stringOrNull(item.room_id),
    room_name: stringOrNull(item.room_name),
    started_at: timeOrNull(item.started_at),
    ended_at: timeOrNull(item.ended_at),
    member_count: typeof item.member_count === 'number' ? item.member_count : 0,
    members: [...members.values()].sort(byTimeThenId((m) => m.joined_at ?? m.left_at)),
    recordings: [...recordings.values()].sort(byTimeThenId((r) => r.started_at ?? r.completed_at)),
    first_seen_at: item.first_seen_at as string,
    updated_at: item.updated_at as string,
  };
}

function setMemberField(member: RoomMember, field: string, value: unknown): void {
  if (field === 'name') member.name = stringOrNull(value);
  else if (field === 'joined_at') member.joined_at = timeOrNull(value);
  else if (field === 'left_at') member.left_at = timeOrNull(value);
}

function setRecordingField(recording: RoomRecording, field: string, value: unknown): void {
  if (field === 'url') recording.url = stringOrNull(value);
  else if (field === 'duration') recording.duration_seconds = typeof value === 'number' ? value : null;
  else if (field === 'state') recording.state = value === 'completed' ? 'completed' : 'started';
  else if (field === 'started_at') recording.started_at = timeOrNull(value);
  else if (field === 'completed_at') recording.completed_at = timeOrNull(value);
}

function newMember(id: string): RoomMember {
  return { id, name: null, joined_at: null, left_at: null };
}

function newRecording(id: string): RoomRecording {
  return { id, url: null, duration_seconds: null, state: 'started', started_at: null, completed_at: null };
}

function entry<T>(map: Map<string, T>, id: string, create: (id: string) => T): T {
  let found = map.get(id);
  if (found === undefined) map.set(id, (found = create(id)));
  return found;
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
