import { GetCommand, UpdateCommand } from './commands';
import type { CallStore, StoredCall } from '../calls/apply-call-status';
import { timelineOf, type CallRecord } from '../calls/call-record';
import { CALL_STATE_RANK, type CallState } from '../calls/call-state';
import type { CallStatusEvent } from '../calls/normalize-call-status';
import { DependencyError } from '../errors';
import { costOf } from './record-cost';
import { callLookup } from '../signalwire/lookup-ref';
import { openIndexFields } from './open-index';
import { statsIndexFields } from './stats-index';
import { expiresAt, isConditionFailure, type TableRef } from './table';
import { buildUpdate, type UpdateSpec } from './update-expression';

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
    // The call stays in the open index (lib/store/open-index.ts), filed at this change, until the reconciler has
    // its final state and price; `ended` is sticky, so nothing files it again once it left.
    advance: (event, by) =>
      update(
        table,
        event,
        {
          condition: '(attribute_not_exists(pk) OR state_rank < :rank) AND NOT contains(states_seen, :state)',
          conditionValues: { ':state': event.state, ':rank': CALL_STATE_RANK[event.state] },
          // by_<state>: the delivery that made this change, whose later attempts report its events again.
          set: { state: event.state, state_rank: CALL_STATE_RANK[event.state], [`by_${event.state}`]: by },
        },
        'advance',
      ),

    // Race closed: a duplicate of a late state arriving twice concurrently; the set lets only one record it.
    recordLate: (event) =>
      update(table, event, {
        condition: 'attribute_exists(pk) AND NOT contains(states_seen, :state)',
        conditionValues: { ':state': event.state },
      }),

    async setDurationOnce(callId, seconds, by) {
      try {
        // Race closed: `answered` and `ended` applied at once each find no duration and compute one from the
        // times they saw; the first one set stays, as does a duration a delivery carried.
        const update = buildUpdate({
          set: { duration_seconds: seconds, duration_by: by },
          condition: 'attribute_exists(pk) AND attribute_not_exists(duration_seconds)',
        });
        await table.client.send(new UpdateCommand({ TableName: table.tableName, Key: key(callId), ...update }));
        return true;
      } catch (error) {
        if (!isConditionFailure(error)) throw new DependencyError('could not store call duration', { cause: error });
        return false;
      }
    },

    async stored(callId) {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: key(callId), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : storedOf(Item);
    },

    async get(callId) {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: key(callId), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : toCallRecord(Item);
    },
  };
}

async function update(
  table: TableRef,
  event: CallStatusEvent,
  clause: Pick<UpdateSpec, 'condition' | 'conditionValues' | 'set'>,
  write: 'advance' | 'late' = 'late',
): Promise<StoredCall | undefined> {
  const open = write === 'advance';
  const now = new Date().toISOString();
  // Times of earlier states a delivery carries (cXML timestamps): filled in if the item lacks them.
  const knownTimes = Object.entries(event.knownTimes ?? {}).filter(([state]) => state !== event.state);
  const spec: UpdateSpec = {
    ...clause,
    set: {
      ...clause.set,
      call_id: event.callId,
      updated_at: now,
      expires_at: expiresAt(table),
      ...(open && openIndexFields('call', event.callId, now)),
    },
    setIfAbsent: {
      lookup: callLookup(event.callId, event.shape, event.segmentId),
      [`at_${event.state}`]: event.occurredAt,
      ...Object.fromEntries(knownTimes.map(([state, at]) => [`at_${state}`, at])),
      first_seen_at: now,
      ...statsIndexFields('call', event.callId, now),
      // Attributes every state of a call repeats: the first delivery that carries one sets it.
      from: event.from,
      to: event.to,
      direction: event.direction,
      end_reason: event.endReason,
      duration_seconds: event.durationSeconds,
    },
    // states_advanced: the states the call moved forward to, whose events a redelivery reports again.
    add: { states_seen: new Set([event.state]), ...(open && { states_advanced: new Set([event.state]) }) },
  };
  try {
    const { Attributes } = await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: key(event.callId),
        ...buildUpdate(spec),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return storedOf(Attributes ?? {});
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw new DependencyError('could not store call status', { cause: error });
  }
}

/** The call's item as the use case and its events read it. */
function storedOf(item: Record<string, unknown>): StoredCall {
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
  const number = (name: string) => (typeof item[name] === 'number' ? (item[name] as number) : undefined);
  const advanced = item.states_advanced instanceof Set ? [...(item.states_advanced as Set<CallState>)] : [];
  return {
    callId: item.call_id as string,
    state: item.state as CallState,
    advanced,
    advancedBy: Object.fromEntries(
      advanced.flatMap((state) => (text(`by_${state}`) ? [[state, text(`by_${state}`)]] : [])),
    ),
    durationBy: text('duration_by'),
    times: timesOf(item),
    from: text('from'),
    to: text('to'),
    direction: text('direction'),
    endReason: text('end_reason'),
    durationSeconds: number('duration_seconds'),
    price: number('price'),
    priceUnit: text('price_unit'),
  };
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
    ...costOf(item),
    first_seen_at: item.first_seen_at as string,
    updated_at: item.updated_at as string,
  };
}
