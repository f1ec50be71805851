import { durationSeconds, type CallRecord } from './call-record';
import type { CallState } from './call-state';
import type { CallStatusEvent } from './normalize-call-status';

export type ApplyOutcome = 'advanced' | 'recorded-late' | 'duplicate';

/** The port the call use case needs; lib/store/call-store.ts implements it on DynamoDB. */
export interface CallStore {
  /** Moves the call forward to the event's state, or fails when the state is not newer or was already seen. */
  advance(event: CallStatusEvent): Promise<StoredCall | undefined>;
  /** Records a state that arrived after a later one (timeline only), or fails when it was already seen. */
  recordLate(event: CallStatusEvent): Promise<StoredCall | undefined>;
  /** Sets the duration unless one is already set. */
  setDurationOnce(callId: string, seconds: number): Promise<void>;
  /** The call's times and whether it has a duration (a consistent read), for finishing an earlier attempt's work. */
  stored(callId: string): Promise<StoredCall | undefined>;
  get(callId: string): Promise<CallRecord | undefined>;
}

export interface StoredCall {
  times: Partial<Record<CallState, number>>;
  hasDuration: boolean;
}

/**
 * Applies one call status event. In order it costs one conditional write; a late state costs a second one that
 * records it in the timeline. A duplicate finds it already seen and costs a read as well: the attempt that applied
 * it may have died (or lost the write's answer) before setting the duration, and this one finishes that.
 */
export async function applyCallStatus(event: CallStatusEvent, store: CallStore): Promise<ApplyOutcome> {
  let outcome: ApplyOutcome = 'advanced';
  let stored = await store.advance(event);
  if (stored === undefined) {
    outcome = 'recorded-late';
    stored = await store.recordLate(event);
  }
  if (stored === undefined) {
    outcome = 'duplicate';
    stored = await store.stored(event.callId);
    if (stored === undefined) return outcome;
  }
  // The delivery did not state a duration (flat JSON): derive it once both ends of the talk time are known,
  // whichever of `answered` and `ended` arrived last.
  if (!stored.hasDuration) {
    const seconds = durationSeconds(stored.times);
    if (seconds !== undefined) await store.setDurationOnce(event.callId, seconds);
  }
  return outcome;
}
