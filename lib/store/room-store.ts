import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DependencyError } from '../errors';
import type { RoomStore } from '../video/apply-video-event';
import type { VideoEvent } from '../video/normalize-video-event';
import { roomKey, roomSessionFromItem } from './room-item';
import { NOT_JOINED, NOT_LEFT, eventClause, memberClause, type Clause } from './room-updates';
import { STATS_INDEX_SET, statsIndexValues } from './stats-index';
import { expiresAt, isConditionFailure, type TableRef } from './table';

/**
 * One item per room session (pk `ROOM#<room_session_id>`, sk `ROOM`); members and recordings are attributes named
 * `<field>#<id>` (a map entry cannot be set before its map exists, so maps would cost a second request).
 * `events_seen` is the idempotency set of event keys; `joined_members` / `left_members` decide the member count.
 */
export function createRoomStore(table: TableRef): RoomStore {
  return {
    // Race closed: the same event redelivered concurrently (SQS, SignalWire retries): the seen-set lets one in.
    // Recording started/completed in either order need no condition: `completed` is set outright, `started`
    // only if_not_exists, so a late `started` never reverts a completed recording.
    record: (event) => write(table, event, eventClause(event)),

    // Race closed: a member's join and leave applied at the same time. Each write checks both sets atomically, so
    // either the join counts and the leave uncounts it, or the leave lands first and the join never counts.
    joinCounted: (event) => write(table, event, memberClause(event, 'joined', 1, `${NOT_JOINED} AND ${NOT_LEFT}`)),
    joinAfterLeft: (event) => write(table, event, memberClause(event, 'joined', 0, `${NOT_JOINED} AND contains(left_members, :member)`)),
    // `member_count > :zero` is implied by the sets; kept so no path can ever take the count below zero.
    leaveCounted: (event) =>
      write(table, event, memberClause(event, 'left', -1, `contains(joined_members, :member) AND ${NOT_LEFT} AND member_count > :zero`)),
    leaveBeforeJoined: (event) => write(table, event, memberClause(event, 'left', 0, `${NOT_JOINED} AND ${NOT_LEFT}`)),

    // Race closed: two deliveries of one event both reaching the notification step: only one claims it.
    claimNotification: (roomSessionId, eventKey) =>
      updateNotified(table, roomSessionId, 'ADD', 'attribute_exists(pk) AND NOT contains(notified, :key)', eventKey),
    releaseNotification: async (roomSessionId, eventKey) => {
      await updateNotified(table, roomSessionId, 'DELETE', 'contains(notified, :key)', eventKey);
    },

    async get(roomSessionId) {
      const { Item } = await table.client.send(new GetCommand({ TableName: table.tableName, Key: roomKey(roomSessionId), ConsistentRead: true }));
      return Item === undefined ? undefined : roomSessionFromItem(Item);
    },
  };
}

async function write(table: TableRef, event: VideoEvent, clause: Clause): Promise<boolean> {
  const set = [
    ...clause.set,
    'room_session_id = :session',
    'room_id = if_not_exists(room_id, :room)',
    ...(event.roomName === undefined ? [] : ['room_name = if_not_exists(room_name, :room_name)']),
    'first_seen_at = if_not_exists(first_seen_at, :now)',
    'updated_at = :now',
    'expires_at = :ttl',
    ...STATS_INDEX_SET,
  ];
  const add = [...clause.add, 'events_seen :keys'];
  // Every room item has a count, even before its first member event: ADD 0 creates it.
  if (!clause.add.some((a) => a.startsWith('member_count'))) add.push('member_count :no_change');
  const condition = ['NOT contains(events_seen, :key)', ...(clause.condition ? [clause.condition] : [])].join(' AND ');
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: roomKey(event.roomSessionId),
        UpdateExpression: `SET ${set.join(', ')} ADD ${add.join(', ')}`,
        ConditionExpression: condition,
        ...(clause.names && Object.keys(clause.names).length > 0 && { ExpressionAttributeNames: clause.names }),
        ExpressionAttributeValues: {
          ...clause.values,
          ':session': event.roomSessionId,
          ':room': event.roomId,
          ...(event.roomName !== undefined && { ':room_name': event.roomName }),
          ':now': new Date().toISOString(),
          ':ttl': expiresAt(table),
          ':key': event.eventKey,
          ':keys': new Set([event.eventKey]),
          ...(add.includes('member_count :no_change') && { ':no_change': 0 }),
          ...statsIndexValues('room'),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw new DependencyError('could not store video event', { cause: error });
  }
}

async function updateNotified(table: TableRef, roomSessionId: string, action: 'ADD' | 'DELETE', condition: string, eventKey: string): Promise<boolean> {
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: roomKey(roomSessionId),
        UpdateExpression: `${action} notified :keys`,
        ConditionExpression: condition,
        ExpressionAttributeValues: { ':keys': new Set([eventKey]), ':key': eventKey },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw new DependencyError('could not store video notification claim', { cause: error });
  }
}
