import type { FakeSignalWire } from '../test/helpers/fake-signalwire';
import type { CallPlan, Delivery, MessagePlan } from './scenario';
import { seededRandom } from './scenario/delivery';

export interface SignalWireTruth {
  /** The sender's hook: a delivery comes up (posted, or given up on). */
  onSend(delivery: Delivery, dropped: boolean): void;
  /** When the sender last gave up on a delivery (epoch ms). */
  readonly lastDropAt: number | undefined;
  stop(): void;
}

/** What SignalWire bills a reply (one SMS segment), once priced. */
const REPLY_PRICE = 0.0079;

/**
 * What the stand-in SignalWire knows, so the reconciler can restore what the lost webhooks would have told us. From
 * the moment the sender first handles one of its deliveries (sent or given up on), SignalWire holds each call and
 * outbound message in its final state (status, times, duration), under the API its webhooks' shape implies (cXML:
 * Compatibility API; RELAY and flat: voice or messaging logs, lib/signalwire/lookup-ref.ts), and prices it
 * `priceAfterMs` later (a share of the range drawn per record). The replies the worker sends (POST Messages.json)
 * are delivered and priced the same way, so they leave the open index too.
 */
export function startSignalWireTruth(
  fake: FakeSignalWire,
  plans: { calls: CallPlan[]; messages: MessagePlan[] },
  options: { seed: number; priceAfterMs: [number, number] },
): SignalWireTruth {
  const calls = new Map(plans.calls.map((p) => [p.callId, p]));
  const messages = new Map(plans.messages.map((p) => [p.messageId, p]));
  const known = new Set<string>();
  const delay = (id: string) => {
    const [low, high] = options.priceAfterMs;
    return Math.round(low + unitFor(options.seed, id) * (high - low));
  };
  let lastDropAt: number | undefined;
  let replies = 0;
  const deliverReplies = () => {
    for (; replies < fake.created.length; replies++) {
      const sid = fake.created[replies]!.sid;
      fake.updateMessage(sid, { status: 'delivered', price: REPLY_PRICE, priceAfterMs: delay(sid) });
    }
  };
  const timer = setInterval(deliverReplies, 500);
  timer.unref();
  return {
    onSend(delivery, dropped) {
      if (dropped) lastDropAt = Date.now();
      const e = delivery.effect;
      const id = e.kind === 'call' ? e.callId : e.kind === 'status' ? e.messageId : undefined;
      if (id === undefined || known.has(id)) return;
      known.add(id);
      const call = calls.get(id);
      if (call) fake.setCall(callRecord(call, delay(id)));
      const message = messages.get(id);
      if (message) fake.setMessage(messageRecord(message, delay(id)));
    },
    get lastDropAt() {
      return lastDropAt;
    },
    stop: () => clearInterval(timer),
  };
}

function callRecord(plan: CallPlan, priceAfterMs: number): Parameters<FakeSignalWire['setCall']>[0] {
  return {
    sid: plan.callId,
    api: plan.shape === 'cxml' ? 'compat' : 'voice-logs',
    from: plan.from,
    to: plan.to,
    direction: 'inbound',
    status: plan.answerAt === null ? 'no-answer' : 'completed',
    dateCreated: plan.startAt,
    startTime: plan.startAt,
    answerTime: plan.answerAt,
    endTime: plan.endAt,
    duration: plan.durationSeconds,
    price: plan.price,
    priceAfterMs,
  };
}

function messageRecord(plan: MessagePlan, priceAfterMs: number): Parameters<FakeSignalWire['setMessage']>[0] {
  const undelivered = plan.status === 'undelivered';
  return {
    sid: plan.messageId,
    api: plan.shape === 'cxml' ? 'compat' : 'messaging-logs',
    from: plan.from,
    to: plan.to,
    direction: plan.shape === 'cxml' ? 'outbound-api' : 'outbound',
    status: plan.status,
    body: 'Hello!',
    dateCreated: plan.queuedAt,
    dateSent: plan.queuedAt + 1500,
    errorCode: undelivered ? 30003 : null,
    errorMessage: undelivered ? 'Unreachable destination handset' : null,
    price: plan.price,
    priceAfterMs,
  };
}

/** A number in [0, 1) drawn from the seed and the record's id: the same run, the same delays, whatever the order. */
function unitFor(seed: number, id: string): number {
  let hash = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return seededRandom(hash)();
}
