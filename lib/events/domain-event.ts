import { createHash } from 'node:crypto';
import type { EventData } from './generated/event-data';

/**
 * What the product hands on to users' own code: one event per real change the worker applied (never for a
 * duplicate, a late state that changed nothing, or a replay that changed nothing). The same object is an
 * EventBridge event's `detail` (its `detail-type` is `type`, its `time` is `timestamp`) and the JSON body of a
 * signed HTTPS delivery (Standard Webhooks' `{ type, timestamp, data }`, with `id` as `webhook-id`).
 * Each type's `data` is documented by a JSON Schema in `schemas/events/`; lib/events/generated/ is generated from them.
 */
export const EVENT_TYPES = [
  'Call State Changed',
  'Call Ended',
  'Call Priced',
  'Message Received',
  'Message Status Changed',
  'Message Priced',
  'Room Session Started',
  'Room Session Ended',
  'Member Joined',
  'Member Left',
  'Recording Completed',
  'SWML Fetched',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The EventBridge `source` of every event the product publishes. */
export const EVENT_SOURCE = 'signalwire.webhooks';

/** The version of an event's `data` shape; a breaking change to a type's schema bumps it. */
export const EVENT_VERSION = 1;

export interface DomainEvent<T extends EventType = EventType> {
  /** Stable: the same on every retry and redelivery of the same change (stableEventId), so consumers dedupe by it. */
  id: string;
  type: T;
  version: typeof EVENT_VERSION;
  /** When the change happened, as SignalWire gave it (ISO 8601, UTC). */
  timestamp: string;
  /** The natural key of what changed, e.g. `call/<call_id>`, `room-session/<id>/member/<member_id>`. */
  subject: string;
  data: EventData[T];
}

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * The id of a change's event: a digest of its type and what identifies the change (natural key, and the state it
 * reached), never of the delivery that carried it, so a retry, a redelivery or a duplicate delivery yields the same id.
 */
export function stableEventId(type: EventType, ...change: string[]): string {
  const digest = createHash('sha256')
    .update([type, ...change].join('\u0000'))
    .digest('hex');
  return `evt_${digest.slice(0, 32)}`;
}
