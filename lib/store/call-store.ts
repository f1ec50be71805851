import { GetCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { CallStore, StoredCall } from '../calls/apply-call-status';
import { timelineOf, type CallRecord } from '../calls/call-record';
import { CALL_STATE_RANK, type CallState } from '../calls/call-state';
import type { CallStatusEvent } from '../calls/normalize-call-status';
import { DependencyError } from '../errors';
import { STATS_INDEX_SET, statsIndexValues } from './stats-index';
import { expiresAt, isConditionFailure, type TableRef } from './table';

const key = (callId: string) => ({ pk: `CALL#${callId}`, sk: 'CALL' });
const STATES = Object.keys(CALL_STATE_RANK) as CallState[];

/**
 * One item per call. Each state's time is its own top-level attribute (`at_<state>`): a map entry cannot be set
 * before the map exists, and this way the first write for a call needs no second request to create one.
 * `states_seen` is the idempotency set: a state in it has been applied and is never applied again.
 */
export function createCallStore(table: TableRef): CallStore {
  return {
    // Race closed: two workers apply different states of one call at once. The condition makes the higher rank
    // win whatever the order; the loser falls through to recordLate. The same state twice: the set refuses it.
    advance: (event) =>
      update(table, event, {
        condition: '(attribute_not_exists(pk) OR state_rank < :rank) AND NOT contains(states_seen, :state)',
        set: ['#state = :state', 'state_rank = :rank'],
        values: { ':state': event.state, ':rank': CALL_STATE_RANK[event.state] },
      }),

    // Race closed: a duplicate of a late state arriving twice concurrently; the set lets only one record it.
    recordLate: (event) => update(table, event, {
        condition: 'attribute_exists(pk) AND NOT contains(states_seen, :state)',
        set: [],
        values: { ':state': event.state },
      }),

    async setDurationOnce(callId, seconds) {
      try {
        await table.client.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: key(callId),
            UpdateExpression: 'SET duration_seconds = :d',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(duration_seconds)',
            ExpressionAttributeValues: { ':d': seconds },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw new DependencyError('could not store call duration', { cause: error });
      }
    },

    async stored(callId) {
      const { Item } = await table.client.send(new GetCommand({ TableName: table.tableName, Key: key(callId), ConsistentRead: true }));
      return Item === undefined ? undefined : { times: timesOf(Item), hasDuration: Item.duration_seconds !== undefined };
    },

    async get(callId) {
      const { Item } = await table.client.send(new GetCommand({ TableName: table.tableName, Key: key(callId), ConsistentRead: true }));
      return Item === undefined ? undefined : toCallRecord(Item);
    },
  };
}

async function update(
  table: TableRef,
  event: CallStatusEvent,
  clause: { condition: string; set: string[]; values: Record<string, unknown> },
): Promise<StoredCall | undefined> {
  const values: Record<string, unknown> = {
    ...clause.values,
    ':at': event.occurredAt,
    ':id': event.callId,
    ':now': new Date().toISOString(),
    ':ttl': expiresAt(table),
    ':seen': new Set([event.state]),
    ...statsIndexValues('call'),
  };
  const set = [
    ...clause.set,
    `#at = if_not_exists(#at, :at)`,
    'call_id = :id',
    'first_seen_at = if_not_exists(first_seen_at, :now)',
    'updated_at = :now',
    'expires_at = :ttl',
    ...STATS_INDEX_SET,
  ];
  // Attributes every state of a call repeats: the first delivery that carries one sets it.
  for (const [field, value] of [
    ['from', event.from],
    ['to', event.to],
    ['direction', event.direction],
    ['end_reason', event.endReason],
    ['duration_seconds', event.durationSeconds],
  ] as const) {
    if (value === undefined) continue;
    set.push(`#${field} = if_not_exists(#${field}, :${field})`);
    values[`:${field}`] = value;
  }
  for (const [state, at] of Object.entries(event.knownTimes ?? {})) {
    if (state === event.state) continue;
    set.push(`#at_${state} = if_not_exists(#at_${state}, :at_${state})`);
    values[`:at_${state}`] = at;
  }
  const names: Record<string, string> = { '#at': `at_${event.state}` };
  for (const expr of set) for (const name of expr.match(/#\w+/g) ?? []) names[name] ??= name.slice(1);
  const input: UpdateCommandInput = {
    TableName: table.tableName,
    Key: key(event.callId),
    UpdateExpression: `SET ${set.join(', ')} ADD states_seen :seen`,
    ConditionExpression: clause.condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValues: 'ALL_NEW',
  };
  try {
    const { Attributes } = await table.client.send(new UpdateCommand(input));
    return { times: timesOf(Attributes ?? {}), hasDuration: Attributes?.duration_seconds !== undefined };
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw new DependencyError('could not store call status', { cause: error });
  }
}

function timesOf(item: Record<string, unknown>): Partial<Record<CallState, number>> {
  const times: Partial<Record<CallState, number>> = {};
  for (const state of STATES) {
    const at = item[`at_${state}`];
    if (typeof at === 'number') times[state] = at;
  }
  return times;
}

function toCallRecord(item: Record<string, unknown>): CallRecord {
  const optional = (name: string) => (typeof item[name] === 'string' ? { [name]: item[name] as string } : {});
  return {
    call_id: item.call_id as string,
    state: item.state as CallState,
    timeline: timelineOf(timesOf(item)),
    ...optional('from'),
    ...optional('to'),
    ...optional('direction'),
    ...optional('end_reason'),
    duration_seconds: typeof item.duration_seconds === 'number' ? item.duration_seconds : null,
    first_seen_at: item.first_seen_at as string,
    updated_at: item.updated_at as string,
  };
}

