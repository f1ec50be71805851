import { isoTime } from '../time';
import { CALL_STATE_RANK, type CallState } from './call-state';

/** A call as operators see it: `webhooks calls show <call_id> --json`. */
export interface CallRecord {
  call_id: string;
  state: CallState;
  timeline: { state: CallState; at: string }[];
  from?: string;
  to?: string;
  direction?: string;
  end_reason?: string;
  duration_seconds: number | null;
  /** What SignalWire charged (a positive amount in `price_unit`); null until it has priced the call. */
  price: number | null;
  price_unit: string | null;
  /** `unknown`: SignalWire does not know the call, or it stayed open past the reconciler's give-up bound. */
  reconcile: 'unknown' | null;
  reconcile_reason: string | null;
  /** When a reconcile envelope (lib/reconcile/) last changed the record. */
  reconciled_at: string | null;
  first_seen_at: string;
  updated_at: string;
}

/** The time of every state seen, in lifecycle order (not arrival order). */
export function timelineOf(times: Partial<Record<CallState, number>>): CallRecord['timeline'] {
  return (Object.keys(times) as CallState[])
    .sort((a, b) => CALL_STATE_RANK[a] - CALL_STATE_RANK[b])
    .map((state) => ({ state, at: isoTime(times[state]!) }));
}

/** Talk time from answered to ended, once both are known. */
export function durationSeconds(times: Partial<Record<CallState, number>>): number | undefined {
  const { answered, ended } = times;
  if (answered === undefined || ended === undefined || ended < answered) return undefined;
  return Math.round((ended - answered) / 1000);
}
