import { EVENT_TYPES, type EventType, isEventType } from '../events/domain-event';

/**
 * `--types "Call Ended,Message Received"`: the event types to listen for, comma-separated, each one of EVENT_TYPES
 * as written there; undefined (every type) when not given. A typo fails naming the known types, rather than
 * listening for an event that never comes.
 */
export function parseEventTypes(text: string | undefined): EventType[] | undefined {
  if (text === undefined) return undefined;
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new Error(`--types names no event type; the types are: ${EVENT_TYPES.join(', ')}`);
  const unknown = names.filter((name) => !isEventType(name));
  if (unknown.length > 0)
    throw new Error(
      `--types: unknown event type ${unknown.map((name) => JSON.stringify(name)).join(', ')}; the types are: ${EVENT_TYPES.join(', ')}`,
    );
  return [...new Set(names as EventType[])];
}
