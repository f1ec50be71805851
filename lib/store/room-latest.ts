import { GetCommand, UpdateCommand } from './commands';
import { DependencyError } from '../errors';
import { isoTime } from '../time';
import type { VideoEvent } from '../video/normalize-video-event';
import { expiresAt, isConditionFailure, type TableRef } from './table';

/**
 * Which session of a room is the latest: pk `ROOMREF#<room id>`, sk `LATEST` (`session_id`, `started_ms`, 0 while no
 * room.started was seen for it), and per room.started without a session id, sk `STARTED#<time>` (its session).
 * Payloads without room_session_id (the flat documentation's) are filed in the room's latest session, and each
 * room.started opens its own (`<room id>@<its time>`), or adopts the one its members' early events opened.
 */
const latestKey = (roomId: string) => ({ pk: `ROOMREF#${roomId}`, sk: 'LATEST' });
const startedKey = (roomId: string, at: number) => ({ pk: `ROOMREF#${roomId}`, sk: `STARTED#${at}` });

export async function resolveRoomSession(table: TableRef, event: VideoEvent & { roomId: string }): Promise<string> {
  const { roomId } = event;
  if (event.type === 'room.started') {
    const key = startedKey(roomId, event.occurredAt);
    const mapped = await read(table, key);
    if (mapped !== undefined) return mapped.session_id as string;
    // A room seen for the first time gets its latest-session item here too, so a member event applied at the same
    // moment either created it first (and this start adopts that session) or finds this one.
    const latest = await latestOrOpen(table, roomId, event.occurredAt);
    const session = latest.started_ms === 0 ? (latest.session_id as string) : `${roomId}@${isoTime(event.occurredAt)}`;
    // Race closed: the same room.started redelivered and applied at once: the first mapping wins, both use it.
    if (await putIfAbsent(table, key, { session_id: session })) return session;
    return (await read(table, key))!.session_id as string;
  }
  return (await latestOrOpen(table, roomId, event.occurredAt)).session_id as string;
}

/**
 * The room's latest-session item, opened (`started_ms` 0: no room.started seen yet) when the room has none.
 * Race closed: the first events of a room arriving at once, a room.started among them or not: one of them opens the
 * session, all use it.
 */
async function latestOrOpen(table: TableRef, roomId: string, occurredAt: number): Promise<Record<string, unknown>> {
  const latest = await read(table, latestKey(roomId));
  if (latest !== undefined) return latest;
  const opened = { session_id: `${roomId}@${isoTime(occurredAt)}`, started_ms: 0 };
  if (await putIfAbsent(table, latestKey(roomId), opened)) return opened;
  return (await read(table, latestKey(roomId)))!;
}

/** After a room.started: that session becomes the room's latest unless a later-started one already is. */
export async function markLatestSession(
  table: TableRef,
  roomId: string,
  roomSessionId: string,
  startedMs: number,
): Promise<void> {
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: latestKey(roomId),
        UpdateExpression: 'SET session_id = :session, started_ms = :started, expires_at = :ttl',
        // Race closed: room.started events of two sessions applied out of order: the later start stays latest.
        ConditionExpression: 'attribute_not_exists(pk) OR started_ms < :started OR session_id = :session',
        ExpressionAttributeValues: { ':session': roomSessionId, ':started': startedMs, ':ttl': expiresAt(table) },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error))
      throw new DependencyError('could not store the latest room session', { cause: error });
  }
}

export async function latestSessionOfRoom(table: TableRef, roomId: string): Promise<string | undefined> {
  const latest = await read(table, latestKey(roomId));
  return latest === undefined ? undefined : (latest.session_id as string);
}

async function read(table: TableRef, key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
  try {
    return (await table.client.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true })))
      .Item;
  } catch (error) {
    throw new DependencyError('could not read the room sessions', { cause: error });
  }
}

async function putIfAbsent(
  table: TableRef,
  key: Record<string, string>,
  fields: Record<string, unknown>,
): Promise<boolean> {
  const names = Object.keys(fields);
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: key,
        UpdateExpression: `SET ${names.map((n) => `${n} = :${n}`).join(', ')}, expires_at = :ttl`,
        ConditionExpression: 'attribute_not_exists(pk)',
        ExpressionAttributeValues: {
          ...Object.fromEntries(names.map((n) => [`:${n}`, fields[n]])),
          ':ttl': expiresAt(table),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw new DependencyError('could not store the room session', { cause: error });
  }
}
