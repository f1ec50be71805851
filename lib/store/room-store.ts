import { GetCommand, QueryCommand, UpdateCommand } from './commands';
import { DependencyError } from '../errors';
import { recordingIdOf, type RoomStore, type SessionVideoEvent } from '../video/apply-video-event';
import { memberKey, recordingKey, roomKey, roomPartition, roomSessionFromItems } from './room-item';
import { latestSessionOfRoom, markLatestSession, resolveRoomSession } from './room-latest';
import { NOT_JOINED, NOT_LEFT, memberClause, recordingClause, roomEventClause, type Clause } from './room-updates';
import { STATS_INDEX_SET, statsIndexValues } from './stats-index';
import { expiresAt, isConditionFailure, type TableRef } from './table';

/**
 * A room session is a partition (room-item.ts): the session item, one item per member, one per recording. Every
 * write is one conditional UpdateItem of one item, so a room of any size works and nothing needs a transaction.
 */
export function createRoomStore(table: TableRef): RoomStore {
  // Sessions this container filed lately: a member event then costs one write, not two. The session item's
  // `updated_at` and TTL are refreshed at most once a minute per container by member and recording events.
  const touched = new Map<string, number>();
  const member = (event: SessionVideoEvent, clause: Clause, by: string | undefined) =>
    write(table, memberKey(event.roomSessionId, event.memberId!), madeBy(clause, event, by));
  return {
    sessionOf: (event) => resolveRoomSession(table, event),
    latestSessionOf: (roomId) => latestSessionOfRoom(table, roomId),

    // No condition: it only files the session (first seen, stats index, room id and name) and refreshes it.
    touch: async (event) => {
      const now = Date.now();
      if ((touched.get(event.roomSessionId) ?? 0) > now) return;
      await write(table, roomKey(event.roomSessionId), { set: [], values: {} }, sessionFields(event));
      if (touched.size >= 10_000) touched.clear();
      touched.set(event.roomSessionId, now + TOUCH_EVERY_MS);
    },

    // Race closed: the same event redelivered concurrently (SQS, SignalWire retries): the seen-set lets one in.
    // Recording started/completed in either order need no condition: `completed` is set outright, `started` only
    // if_not_exists, so a late `started` never reverts a completed recording.
    record: async (event, by) => {
      if (event.type === 'room.started' || event.type === 'room.ended') {
        const clause = madeBy(roomEventClause(event), event, by);
        const applied = await write(table, roomKey(event.roomSessionId), clause, sessionFields(event));
        if (event.type === 'room.started' && event.roomId !== undefined)
          await markLatestSession(table, event.roomId, event.roomSessionId, event.occurredAt);
        return applied;
      }
      return write(table, itemKeyOf(event), madeBy(recordingClause(event), event, by));
    },

    // Race closed: a member's join and leave applied at the same time. Both write the member's one item and check
    // its times atomically, so either the join counts (in_room 1) and the leave uncounts it, or the leave lands
    // first and the join never counts. The count is the number of members in the room: exact, never negative.
    joinCounted: (event, by) => member(event, memberClause(event, 'joined', 1, `${NOT_JOINED} AND ${NOT_LEFT}`), by),
    joinAfterLeft: (event, by) =>
      member(event, memberClause(event, 'joined', 0, `${NOT_JOINED} AND attribute_exists(left_at)`), by),
    leaveCounted: (event, by) =>
      member(
        event,
        memberClause(event, 'left', 0, `attribute_exists(joined_at) AND ${NOT_LEFT} AND in_room = :one`),
        by,
      ),
    leaveBeforeJoined: (event, by) =>
      member(event, memberClause(event, 'left', 0, `${NOT_JOINED} AND ${NOT_LEFT}`), by),

    async appliedBy(event) {
      const { Item } = await table.client.send(
        new GetCommand({
          TableName: table.tableName,
          Key: itemKeyOf(event),
          ConsistentRead: true,
          ProjectionExpression: '#by',
          ExpressionAttributeNames: { '#by': byAttribute(event) },
        }),
      );
      const by = Item?.[byAttribute(event)];
      return typeof by === 'string' ? by : undefined;
    },

    async get(roomSessionId) {
      const items: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await table.client.send(
          new QueryCommand({
            TableName: table.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': roomPartition(roomSessionId) },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
      return roomSessionFromItems(items);
    },
  };
}

const TOUCH_EVERY_MS = 60_000;

/** The item a video event is applied to: the session's (room events), the member's, or the recording's. */
function itemKeyOf(event: SessionVideoEvent): Record<string, string> {
  if (event.type === 'member.joined' || event.type === 'member.left')
    return memberKey(event.roomSessionId, event.memberId!);
  if (event.type === 'room.started' || event.type === 'room.ended') return roomKey(event.roomSessionId);
  return recordingKey(event.roomSessionId, recordingIdOf(event));
}

/** `by_<event key>`: the delivery that applied the event, whose later attempts report its event again. */
const byAttribute = (event: SessionVideoEvent) => `by_${event.eventKey}`;

/** The clause, also recording the delivery that applies it (nothing when there is none). */
function madeBy(clause: Clause, event: SessionVideoEvent, by: string | undefined): Clause {
  if (by === undefined) return clause;
  return {
    ...clause,
    set: [...clause.set, '#by = :by'],
    values: { ...clause.values, ':by': by },
    names: { ...clause.names, '#by': byAttribute(event) },
  };
}

/** The session item's own attributes, set by every write to it (only if absent, but `updated_at` and the TTL). */
function sessionFields(event: SessionVideoEvent): Clause {
  const now = new Date().toISOString();
  return {
    set: [
      'room_session_id = :session',
      ...(event.roomId === undefined ? [] : ['room_id = if_not_exists(room_id, :room)']),
      ...(event.roomName === undefined ? [] : ['room_name = if_not_exists(room_name, :room_name)']),
      'first_seen_at = if_not_exists(first_seen_at, :now)',
      'updated_at = :now',
      ...STATS_INDEX_SET,
    ],
    values: {
      ':session': event.roomSessionId,
      ...(event.roomId !== undefined && { ':room': event.roomId }),
      ...(event.roomName !== undefined && { ':room_name': event.roomName }),
      ':now': now,
      ...statsIndexValues('room', event.roomSessionId),
    },
  };
}

async function write(
  table: TableRef,
  key: Record<string, string>,
  clause: Clause,
  extra: Clause | undefined = { set: [], values: {} },
): Promise<boolean> {
  const set = [...clause.set, ...(extra?.set ?? [])];
  const values: Record<string, unknown> = { ...clause.values, ...extra?.values };
  if (extra !== undefined) {
    set.push('expires_at = :ttl');
    values[':ttl'] = expiresAt(table);
  }
  const parts = [
    set.length > 0 ? `SET ${set.join(', ')}` : '',
    clause.add?.length ? `ADD ${clause.add.join(', ')}` : '',
    clause.delete?.length ? `DELETE ${clause.delete.join(', ')}` : '',
  ].filter(Boolean);
  const names = { ...clause.names, ...extra?.names };
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: key,
        UpdateExpression: parts.join(' '),
        ...(clause.condition !== undefined && { ConditionExpression: clause.condition }),
        ...(Object.keys(names).length > 0 && { ExpressionAttributeNames: names }),
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw new DependencyError('could not store video event', { cause: error });
  }
}
