import { appliedByThis, type ChangeEvents, NO_EVENTS } from '../events/change-events';
import { type CallFacts, callEnded, callStateChanged } from './call-events';
import { durationSeconds, type CallRecord } from './call-record';
import type { CallState } from './call-state';
import type { CallStatusEvent } from './normalize-call-status';

export type ApplyOutcome = 'advanced' | 'recorded-late' | 'duplicate';

/** The port the call use case needs; lib/store/call-store.ts implements it on DynamoDB. */
export interface CallStore {
  /**
   * Moves the call forward to the event's state, or fails when the state is not newer or was already seen; `by`
   * (the delivery) is recorded with the change.
   */
  advance(event: CallStatusEvent, by?: string): Promise<StoredCall | undefined>;
  /** Records a state that arrived after a later one (timeline only), or fails when it was already seen. */
  recordLate(event: CallStatusEvent): Promise<StoredCall | undefined>;
  /** Sets the duration unless one is already set (recording `by`, the delivery); false when one was. */
  setDurationOnce(callId: string, seconds: number, by?: string): Promise<boolean>;
  /** The call as stored (a consistent read), for finishing an earlier attempt's work. */
  stored(callId: string): Promise<StoredCall | undefined>;
  get(callId: string): Promise<CallRecord | undefined>;
}

/** The call's item after a write (or read): what the use case decides with, and what its events say. */
export interface StoredCall extends CallFacts {
  state: CallState;
  /** The states the call moved forward to (each one's `Call State Changed`), as opposed to late ones. */
  advanced: readonly CallState[];
  /** The delivery that moved the call to each of those states, and the one that set its duration. */
  advancedBy: Partial<Record<CallState, string>>;
  durationBy?: string;
}

/**
 * Why a call ends without being answered (cXML CallStatus, RELAY end_reason): its talk time is 0. Any other reason
 * (completed, hangup) with no answered time known waits for a late `answered`, or for SignalWire's REST API.
 */
const UNANSWERED_END_REASONS: ReadonlySet<string> = new Set([
  'busy',
  'failed',
  'no-answer',
  'canceled',
  'noAnswer',
  'cancel',
  'decline',
  'error',
]);

/**
 * Applies one call status event. In order it costs one conditional write; a late state costs a second one that
 * records it in the timeline. A duplicate finds it already seen and costs a read as well: the attempt that applied
 * it may have died (or lost the write's answer) before setting the duration, and this one finishes that.
 *
 * Events (lib/events/): `Call State Changed` for a state the call moved forward to (never a late one), and
 * `Call Ended` once, from the write that made the call both ended and of known duration: the `ended` write itself,
 * or the one that set the duration after it (a late `answered`). A later attempt of the delivery that applied them
 * (lib/events/change-events.ts) reports them again, with the same ids.
 */
export async function applyCallStatus(
  event: CallStatusEvent,
  store: CallStore,
  events: ChangeEvents = NO_EVENTS,
): Promise<ApplyOutcome> {
  let outcome: ApplyOutcome = 'advanced';
  let stored = await store.advance(event, events.delivery || undefined);
  if (stored === undefined) {
    outcome = 'recorded-late';
    stored = await store.recordLate(event);
  }
  if (stored === undefined) {
    outcome = 'duplicate';
    stored = await store.stored(event.callId);
    if (stored === undefined) return outcome;
  }
  // A duplicate this very delivery applied (its answer lost, or it died before publishing) reports it again.
  const mine = outcome === 'duplicate' && appliedByThis(events, stored.advancedBy[event.state]);
  if (outcome === 'advanced' || mine)
    events.emit(callStateChanged(stored, event.state, stored.times[event.state] ?? event.occurredAt));

  let completedNow = outcome === 'advanced' && event.state === 'ended';
  // The delivery did not state a duration (flat JSON): derive it once both ends of the talk time are known,
  // whichever of `answered` and `ended` arrived last.
  if (stored.durationSeconds === undefined) {
    const seconds = knownDuration(stored, event);
    if (seconds !== undefined) {
      completedNow = await store.setDurationOnce(event.callId, seconds, events.delivery || undefined);
      // Refused: set meanwhile, by a delivery racing this one or by this very write, whose answer was lost and the
      // SDK's retry found it done. Read it back: `duration_by` says which.
      stored = completedNow ? { ...stored, durationSeconds: seconds } : ((await store.stored(event.callId)) ?? stored);
    }
  }
  const { durationSeconds: duration } = stored;
  const completedByThis = mine || appliedByThis(events, stored.durationBy);
  if (stored.state === 'ended' && duration !== undefined && (completedNow || completedByThis))
    events.emit(callEnded({ ...stored, durationSeconds: duration }, stored.times.ended ?? event.occurredAt));
  return outcome;
}

/** The talk time, once it can be told: both times, SignalWire's own figure (the reconciler's), or 0 if never answered. */
function knownDuration(call: StoredCall, event: CallStatusEvent): number | undefined {
  const fromTimes = durationSeconds(call.times);
  if (fromTimes !== undefined) return fromTimes;
  if (event.durationSeconds !== undefined) return event.durationSeconds;
  const unanswered =
    call.state === 'ended' && call.times.answered === undefined && UNANSWERED_END_REASONS.has(call.endReason ?? '');
  return unanswered ? 0 : undefined;
}
