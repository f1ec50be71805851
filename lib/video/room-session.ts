/** A room session as operators see it: `webhooks rooms show <room_session_id> --json`. Times are ISO 8601. */
export interface RoomSession {
  room_session_id: string;
  room_id: string | null;
  room_name: string | null;
  started_at: string | null;
  ended_at: string | null;
  /** Members in the room now: joined and not (yet) seen leaving. */
  member_count: number;
  /** Everyone who joined or left, in order of joining (members only seen leaving last). */
  members: RoomMember[];
  recordings: RoomRecording[];
  first_seen_at: string;
  updated_at: string;
}

export interface RoomMember {
  id: string;
  name: string | null;
  joined_at: string | null;
  left_at: string | null;
}

export interface RoomRecording {
  id: string;
  url: string | null;
  duration_seconds: number | null;
  /** `completed` once recording.completed (Realtime: recording.ended) arrived, whatever the order. */
  state: 'started' | 'completed';
  started_at: string | null;
  completed_at: string | null;
  /** The copy in the stage's recordings bucket (lib/recordings): all five null until it is copied. */
  s3_bucket: string | null;
  s3_key: string | null;
  /** Bytes. */
  size: number | null;
  /** Hex SHA-256 of the bytes copied. */
  sha256: string | null;
  copied_at: string | null;
}
