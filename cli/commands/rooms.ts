import { createRoomStore } from '../../lib/store/room-store';
import { CliError } from '../output';
import type { Target } from '../target';

export async function showRoom(target: Target, roomSessionId: string | undefined) {
  if (!roomSessionId) throw new CliError('usage: webhooks rooms show <room_session_id>');
  const room = await createRoomStore(target.table).get(roomSessionId);
  if (room === undefined) throw new CliError(`room session ${roomSessionId} not found`);
  return room;
}
