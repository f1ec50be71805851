import { recordingIdOf } from '../video/apply-video-event';
import type { VideoEvent } from '../video/normalize-video-event';
import { memberAttribute, recordingAttribute } from './room-item';

/** One write's specific part; the room-wide attributes and the seen-set are added by `write`. */
export interface Clause {
  condition?: string;
  set: string[];
  add: string[];
  values: Record<string, unknown>;
  names?: Record<string, string>;
}

export const NOT_JOINED = 'NOT contains(joined_members, :member)';
export const NOT_LEFT = 'NOT contains(left_members, :member)';

/** The room or recording event's own attributes (room-store.ts adds the room-wide ones and the seen-set). */
export function eventClause(event: VideoEvent): Clause {
  const at = { ':at': event.occurredAt };
  switch (event.type) {
    case 'room.started':
      return { set: ['started_at = if_not_exists(started_at, :at)'], add: [], values: at };
    case 'room.ended':
      return { set: ['ended_at = if_not_exists(ended_at, :at)'], add: [], values: at };
    case 'recording.started':
    case 'recording.completed': {
      const id = recordingIdOf(event);
      const completed = event.type === 'recording.completed';
      const set = completed
        ? ['#state = :completed', '#completed_at = if_not_exists(#completed_at, :at)']
        : ['#state = if_not_exists(#state, :started)', '#started_at = if_not_exists(#started_at, :at)'];
      const values: Record<string, unknown> = { ...at, ':recording': new Set([id]), [completed ? ':completed' : ':started']: completed ? 'completed' : 'started' };
      // A completed recording's URL and duration are final; the ones a `started` event may carry only fill gaps.
      for (const [field, value] of [['url', event.recordingUrl], ['duration', event.durationSeconds]] as const) {
        if (value === undefined) continue;
        set.push(completed ? `#${field} = :${field}` : `#${field} = if_not_exists(#${field}, :${field})`);
        values[`:${field}`] = value;
      }
      const names = Object.fromEntries(['state', 'started_at', 'completed_at', 'url', 'duration'].map((f) => [`#${f}`, recordingAttribute(f, id)]));
      return { set, add: ['recording_ids :recording'], values, names: pickUsed(names, set) };
    }
    default:
      throw new Error(`room store: ${event.type} is a member event`);
  }
}

/** A member joining or leaving: its time and name, its id into one of the two sets, the count moved by `delta`. */
export function memberClause(event: VideoEvent, side: 'joined' | 'left', delta: 1 | 0 | -1, condition: string): Clause {
  const memberId = event.memberId!;
  const set = ['#at = if_not_exists(#at, :at)'];
  const names: Record<string, string> = { '#at': memberAttribute(`${side}_at`, memberId) };
  const values: Record<string, unknown> = { ':at': event.occurredAt, ':member': memberId, ':members': new Set([memberId]), ':delta': delta };
  if (event.memberName !== undefined) {
    set.push('#name = if_not_exists(#name, :name)');
    names['#name'] = memberAttribute('name', memberId);
    values[':name'] = event.memberName;
  }
  if (condition.includes(':zero')) values[':zero'] = 0;
  return { condition, set, add: [`${side}_members :members`, 'member_count :delta'], values, names };
}

function pickUsed(names: Record<string, string>, set: string[]): Record<string, string> {
  const used = set.join(' ');
  return Object.fromEntries(Object.entries(names).filter(([placeholder]) => new RegExp(`${placeholder}\\b`).test(used)));
}
