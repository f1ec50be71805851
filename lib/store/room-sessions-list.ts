import { BatchGetCommand } from './commands';
import { isoTime } from '../time';
import { roomKey } from './room-item';
import { queryShards } from './shards';
import { STATS_INDEX, statsKindPartitions } from './stats-index';
import type { TableRef } from './table';

/** One line of `webhooks rooms list`. */
export interface RoomSessionSummary {
  room_session_id: string;
  room_id: string | null;
  room_name: string | null;
  state: 'active' | 'ended';
  started_at: string | null;
  ended_at: string | null;
  first_seen_at: string;
}

/** The room sessions first seen since `since` (ISO), newest first: the stats index's room shards, then BatchGets. */
export async function listRoomSessions(table: TableRef, since: string): Promise<RoomSessionSummary[]> {
  const found = await queryShards(table, statsKindPartitions('room'), 'gsi1sk', (partition) => ({
    IndexName: STATS_INDEX,
    KeyConditionExpression: 'gsi1pk = :kind AND gsi1sk >= :since',
    ExpressionAttributeValues: { ':kind': partition, ':since': since },
    ScanIndexForward: false,
  }));
  const keys = found.map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
  const items = new Map<string, Record<string, unknown>>();
  for (let start = 0; start < keys.length; start += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
      [table.tableName]: { Keys: keys.slice(start, start + 100) },
    };
    while (request !== undefined && Object.keys(request).length > 0) {
      const answer = await table.client.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of answer.Responses?.[table.tableName] ?? []) items.set(String(item.pk), item);
      request = answer.UnprocessedKeys as typeof request;
    }
  }
  return keys.flatMap(({ pk }) => {
    const item = items.get(pk);
    return item === undefined || pk !== roomKey(String(item.room_session_id)).pk ? [] : [summary(item)];
  });
}

function summary(item: Record<string, unknown>): RoomSessionSummary {
  const time = (value: unknown) => (typeof value === 'number' ? isoTime(value) : null);
  return {
    room_session_id: String(item.room_session_id),
    room_id: typeof item.room_id === 'string' ? item.room_id : null,
    room_name: typeof item.room_name === 'string' ? item.room_name : null,
    state: typeof item.ended_at === 'number' ? 'ended' : 'active',
    started_at: time(item.started_at),
    ended_at: time(item.ended_at),
    first_seen_at: String(item.first_seen_at),
  };
}
