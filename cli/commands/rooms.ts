import { createRoomStore } from '../../lib/store/room-store';
import { listRoomSessions } from '../../lib/store/room-sessions-list';
import { s3Location } from '../../lib/recordings/recording-key';
import type { RoomSession } from '../../lib/video/room-session';
import { CliError } from '../output';
import type { Target } from '../target';

/** `rooms show <id>`: a room session by its id, or a room id for that room's latest session. */
export async function showRoom(target: Target, id: string | undefined) {
  if (!id) throw new CliError('usage: webhooks rooms show <room_session_id | room_id>');
  const store = createRoomStore(target.table);
  const room = (await store.get(id)) ?? (await latestOf(store, id));
  if (room === undefined) throw new CliError(`room session ${id} not found (nor a room with that id)`);
  return room;
}

/**
 * `rooms show` without --json: each recording as a block, its copy in the stage's bucket nested (`s3://bucket/key`, size,
 * sha256, copy time), or why there is none yet; `webhooks recordings get <id>` fetches it.
 */
export function readableRoom(room: RoomSession) {
  return {
    ...room,
    recordings: room.recordings.map(({ s3_bucket, s3_key, size, sha256, copied_at, ...recording }) => ({
      ...recording,
      copy:
        s3_bucket !== null && s3_key !== null
          ? {
              s3: s3Location(s3_bucket, s3_key),
              size: size === null ? null : `${size} bytes (${(size / 1_000_000).toFixed(1)} MB)`,
              sha256,
              copied_at,
            }
          : recording.state !== 'completed'
            ? 'none: the recording has not completed'
            : recording.url === null
              ? 'none: the completion carried no recording URL'
              : 'not copied yet',
    })),
  };
}

async function latestOf(store: ReturnType<typeof createRoomStore>, roomId: string) {
  const session = await store.latestSessionOf(roomId);
  return session === undefined ? undefined : store.get(session);
}

/** `rooms list [--since ISO]`: the sessions first seen since then (default: the last 24 h), newest first. */
export async function listRooms(target: Target, options: { since?: string }) {
  const since = options.since === undefined ? Date.now() - 24 * 3_600_000 : Date.parse(options.since);
  if (!Number.isFinite(since))
    throw new CliError(`--since must be an ISO 8601 time, got ${JSON.stringify(options.since)}`);
  return listRoomSessions(target.table, new Date(since).toISOString());
}
