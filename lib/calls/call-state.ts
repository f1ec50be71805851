/**
 * One state set for calls, whatever shape reported them. Ranks order the lifecycle: a state only ever moves
 * forward, so a late `ringing` after `ended` is recorded in the timeline but never becomes the state.
 */
export type CallState = 'queued' | 'created' | 'ringing' | 'answered' | 'ending' | 'ended';

export const CALL_STATE_RANK: Readonly<Record<CallState, number>> = {
  queued: 1,
  created: 2,
  ringing: 3,
  answered: 4,
  ending: 5,
  ended: 6,
};

export function isCallState(value: string): value is CallState {
  return Object.hasOwn(CALL_STATE_RANK, value);
}

/** `ended` outranks everything, so it is sticky: nothing can move a call out of it. */
export function isTerminal(state: CallState): boolean {
  return state === 'ended';
}

/** Compatibility (cXML) CallStatus values. Outcomes that end a call map to `ended` and keep their reason. */
const CXML_STATUS: Readonly<Record<string, { state: CallState; endReason?: string }>> = {
  queued: { state: 'queued' },
  initiated: { state: 'created' },
  ringing: { state: 'ringing' },
  'in-progress': { state: 'answered' },
  answered: { state: 'answered' },
  completed: { state: 'ended', endReason: 'completed' },
  busy: { state: 'ended', endReason: 'busy' },
  failed: { state: 'ended', endReason: 'failed' },
  'no-answer': { state: 'ended', endReason: 'no-answer' },
  canceled: { state: 'ended', endReason: 'canceled' },
};

export function fromCxmlCallStatus(status: string): { state: CallState; endReason?: string } | undefined {
  const key = status.toLowerCase();
  return Object.hasOwn(CXML_STATUS, key) ? CXML_STATUS[key] : undefined;
}
