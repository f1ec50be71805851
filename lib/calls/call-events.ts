import type { CallState } from './call-state';
import type { PricedRecord } from '../events/priced-record';
import { isoTime } from '../time';
import { buildEvent } from '../events/build-event';
import type { DomainEvent } from '../events/domain-event';

/** What a call's events say about it, read off the call's item after the write that changed it. */
export interface CallFacts {
  callId: string;
  times: Partial<Record<CallState, number>>;
  from?: string;
  to?: string;
  direction?: string;
  endReason?: string;
  durationSeconds?: number;
  price?: number;
  priceUnit?: string;
}

const subject = (callId: string) => `call/${callId}`;

/** The call moved forward to `state` (at SignalWire's time of that state). */
export function callStateChanged(call: CallFacts, state: CallState, occurredAt: number): DomainEvent {
  return buildEvent(
    'Call State Changed',
    { occurredAt, subject: subject(call.callId), change: [call.callId, state] },
    { call_id: call.callId, state, from: call.from, to: call.to, direction: call.direction },
  );
}

/** The call ended and its duration is known: one per call, whichever delivery completed it. */
export function callEnded(call: CallFacts & { durationSeconds: number }, endedAt: number): DomainEvent {
  const { times } = call;
  const startedAt = times.created ?? times.queued ?? times.ringing;
  return buildEvent(
    'Call Ended',
    { occurredAt: endedAt, subject: subject(call.callId), change: [call.callId] },
    {
      call_id: call.callId,
      from: call.from,
      to: call.to,
      direction: call.direction,
      end_reason: call.endReason,
      duration_seconds: call.durationSeconds,
      started_at: startedAt === undefined ? undefined : isoTime(startedAt),
      answered_at: times.answered === undefined ? undefined : isoTime(times.answered),
      ended_at: isoTime(endedAt),
      price: call.price,
      price_unit: call.priceUnit,
    },
  );
}

/** SignalWire priced the call (its REST API said so, at `reportedAt`): one per call, whichever report brought it. */
export function callPriced(callId: string, priced: PricedRecord, reportedAt: number): DomainEvent {
  return buildEvent(
    'Call Priced',
    { occurredAt: reportedAt, subject: subject(callId), change: [callId] },
    {
      call_id: callId,
      price: priced.price,
      price_unit: priced.priceUnit,
      from: priced.from,
      to: priced.to,
      direction: priced.direction,
      duration_seconds: priced.durationSeconds,
    },
  );
}
