import { form, json, pickFrom, type NewDelivery } from './delivery';

export interface CallPlan {
  callId: string;
  /** Talk time in whole seconds, or null for a call never answered. */
  durationSeconds: number | null;
  /** How its webhooks are shaped, which decides the API that knows it (cXML: Compatibility; else voice logs). */
  shape: 'flat' | 'relay' | 'cxml';
  from: string;
  to: string;
  /** Epoch ms: created, answered (null if never), ended. */
  startAt: number;
  answerAt: number | null;
  endAt: number;
  /** What SignalWire charges once it has priced the call (dollars, positive); null: never answered, not billed. */
  price: number | null;
}

type Step = { state: string; at: number };

/**
 * One call's status callbacks in one of the three shapes: created, ringing, (answered,) ended. A flat call's
 * duration is derived from its answered and ended times; RELAY states it in the `ended` times, cXML in CallDuration.
 */
export function callDeliveries(
  index: number,
  base: number,
  random: () => number,
): { plan: CallPlan; deliveries: NewDelivery[] } {
  const shape = pickFrom(['flat', 'relay', 'cxml'] as const, random);
  const callId = `chaos-call-${index}`;
  const answered = random() < 0.8;
  const duration = answered ? 1 + Math.floor(random() * 600) : null;
  const start = base + index * 1000;
  const steps: Step[] = [
    { state: 'created', at: start },
    { state: 'ringing', at: start + 2000 },
    ...(answered ? [{ state: 'answered', at: start + 5000 }] : []),
    { state: 'ended', at: start + 5000 + (duration ?? 20) * 1000 },
  ];
  const from = `+1555${String(index % 10_000_000).padStart(7, '0')}`;
  const to = '+15551234567';
  const build = { flat, relay, cxml }[shape];
  const deliveries = steps.map((step) => build(callId, step, steps, from, to, answered));
  const plan: CallPlan = {
    callId,
    durationSeconds: duration,
    shape,
    from,
    to,
    startAt: start,
    answerAt: answered ? start + 5000 : null,
    endAt: steps.at(-1)!.at,
    price: duration === null ? null : callPrice(duration),
  };
  return { plan, deliveries };
}

/** $0.0065 per started minute, as SignalWire bills inbound PSTN voice (5 decimals, like the Compatibility API). */
function callPrice(seconds: number): number {
  return (Math.ceil(seconds / 60) * 650) / 100_000;
}

function flat(callId: string, step: Step, _steps: Step[], from: string, to: string, answered: boolean): NewDelivery {
  const endReason = step.state === 'ended' ? { end_reason: answered ? 'hangup' : 'no-answer' } : {};
  const payload = {
    call_id: callId,
    call_state: step.state,
    from,
    to,
    direction: 'inbound',
    timestamp: new Date(step.at).toISOString(),
    ...endReason,
  };
  return json('/call-status', payload, { kind: 'call', callId, state: step.state });
}

function relay(callId: string, step: Step, steps: Step[], from: string, to: string, answered: boolean): NewDelivery {
  const time = (state: string) => steps.find((s) => s.state === state)?.at;
  const reached = (state: string) => steps.findIndex((s) => s.state === state) <= steps.indexOf(step);
  const params: Record<string, unknown> = {
    call_id: callId,
    node_id: 'n-chaos',
    direction: 'inbound',
    device: { type: 'phone', params: { from_number: from, to_number: to } },
    call_state: step.state,
    start_time: time('created'),
    ...(answered && reached('answered') && { answer_time: time('answered') }),
    ...(step.state === 'ended' && { end_time: step.at, end_reason: answered ? 'hangup' : 'noAnswer' }),
  };
  return json(
    '/call-status',
    { event_type: 'calling.call.state', event_channel: `swml:${callId}`, timestamp: step.at / 1000, params },
    { kind: 'call', callId, state: step.state },
  );
}

const CXML_STATUS: Record<string, string> = {
  created: 'initiated',
  ringing: 'ringing',
  answered: 'in-progress',
  ended: 'completed',
};

function cxml(callId: string, step: Step, steps: Step[], from: string, to: string, answered: boolean): NewDelivery {
  const status = step.state === 'ended' && !answered ? 'no-answer' : CXML_STATUS[step.state]!;
  const fields: Record<string, string> = {
    AccountSid: 'p-chaos',
    ApiVersion: '2010-04-01',
    CallSid: callId,
    CallStatus: status,
    Direction: 'inbound',
    From: from,
    To: to,
    Timestamp: new Date(step.at).toUTCString(),
  };
  if (status === 'completed') {
    const talk = step.at - steps.find((s) => s.state === 'answered')!.at;
    fields.CallDuration = String(Math.round(talk / 1000));
  }
  return form('/call-status', fields, { kind: 'call', callId, state: step.state });
}
