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
  get(callId: string): Promise<CallRecord | undefined>;
}

export interface StoredCall {
  times: Partial<Record<CallState, number>>;
  hasDuration: boolean;
}

/**
 * Applies one call status event. In order it costs one conditional write; a late or duplicate state costs a
 * second one that records it in the timeline (or finds it already seen and changes nothing).
 */
export async function applyCallStatus(event: CallStatusEvent, store: CallStore): Promise<ApplyOutcome> {
  let outcome: ApplyOutcome = 'advanced';
  let stored = await store.advance(event);
  if (stored === undefined) {
    outcome = 'recorded-late';
    stored = await store.recordLate(event);
    if (stored === undefined) return 'duplicate';
  }
  // The delivery did not state a duration (flat JSON): derive it once both ends of the talk time are known,
  // whichever of `answered` and `ended` arrived last.
  if (!stored.hasDuration) {
    const seconds = durationSeconds(stored.times);
    if (seconds !== undefined) await store.setDurationOnce(event.callId, seconds);
  }
  return outcome;
}
