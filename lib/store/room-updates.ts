import { recordingIdOf } from '../video/apply-video-event';
import type { SessionVideoEvent } from '../video/apply-video-event';

/** One conditional write of one item of a room-session partition (room-store.ts sends it). */
export interface Clause {
  condition?: string;
  set: string[];
  values: Record<string, unknown>;
  names?: Record<string, string>;
  /** ADD clauses (the item's own small seen-set). */
  add?: string[];
  delete?: string[];
}

export const NOT_JOINED = 'attribute_not_exists(joined_at)';
export const NOT_LEFT = 'attribute_not_exists(left_at)';

/** Room started/ended on the session item: a seen-set of these few keys makes a redelivery a duplicate. */
export function roomEventClause(event: SessionVideoEvent): Clause {
  const field = event.type === 'room.started' ? 'started_at' : 'ended_at';
  return {
    condition: 'NOT contains(events_seen, :key)',
    set: [`${field} = if_not_exists(${field}, :at)`],
    add: ['events_seen :keys'],
    values: { ':at': event.occurredAt, ':key': event.eventKey, ':keys': new Set([event.eventKey]) },
  };
}

/** A recording's own item; its seen-set holds at most its two event keys. */
export function recordingClause(event: SessionVideoEvent): Clause {
  const completed = event.type === 'recording.completed';
  const set = completed
    ? ['#state = :completed', 'completed_at = if_not_exists(completed_at, :at)']
    : ['#state = if_not_exists(#state, :started)', 'started_at = if_not_exists(started_at, :at)'];
  const values: Record<string, unknown> = {
    ':at': event.occurredAt,
    ':key': event.eventKey,
    ':keys': new Set([event.eventKey]),
    [completed ? ':completed' : ':started']: completed ? 'completed' : 'started',
  };
  // A completed recording's URL and duration are final; the ones a `started` event may carry only fill gaps.
  for (const [field, value] of [
    ['url', event.recordingUrl],
    ['duration', event.durationSeconds],
  ] as const) {
    if (value === undefined) continue;
    set.push(completed ? `#${field} = :${field}` : `#${field} = if_not_exists(#${field}, :${field})`);
    values[`:${field}`] = value;
  }
  const names: Record<string, string> = { '#state': 'state' };
  for (const field of ['url', 'duration']) if (`:${field}` in values) names[`#${field}`] = field;
  return {
    condition: 'NOT contains(events_seen, :key)',
    set: [...set, 'recording_id = :recording'],
    add: ['events_seen :keys'],
    values: { ...values, ':recording': recordingIdOf(event) },
    names,
  };
}

/**
 * A member joining or leaving, on the member's own item: its time and name, and `in_room` (1 counts, 0 does not)
 * decided by the same condition that admits the write, so a member counts once joined unless already seen leaving.
 */
export function memberClause(
  event: SessionVideoEvent,
  side: 'joined' | 'left',
  inRoom: 0 | 1,
  condition: string,
): Clause {
  const set = [`${side}_at = if_not_exists(${side}_at, :at)`, 'in_room = :in_room', 'member_id = :member'];
  const values: Record<string, unknown> = { ':at': event.occurredAt, ':in_room': inRoom, ':member': event.memberId! };
  if (event.memberName !== undefined) {
    set.push('#name = if_not_exists(#name, :name)');
    values[':name'] = event.memberName;
  }
  if (condition.includes(':one')) values[':one'] = 1;
  return { condition, set, values, ...(event.memberName !== undefined && { names: { '#name': 'name' } }) };
}
