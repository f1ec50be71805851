import { applyCallStatus, type CallStore } from '../calls/apply-call-status';
import { PermanentError } from '../errors';
import type { WebhookEnvelope } from '../envelope/envelope';
import { callPriced } from '../calls/call-events';
import { appliedByThis, type ChangeEvents, NO_EVENTS, readAppliedByThis } from '../events/change-events';
import { messagePriced, messageReceived } from '../messages/message-events';
import { applyMessageStatus } from '../messages/apply-message-status';
import type { MessageStore } from '../messages/message-record';
import type { IncomingMessage } from '../messages/normalize-incoming-message';
import type { MessageStatusEvent } from '../messages/normalize-message-status';
import { reconciledCall, reconciledMessage, type Cost } from './normalize-reconciled';
import type { PricedRecord } from '../events/priced-record';
import { isReconcilePayload } from './reconcile-payload';

export interface Settlement {
  price?: number;
  priceUnit?: string;
  /** SignalWire's own duration, kept unless the record has one. */
  durationSeconds?: number;
  /** Nothing more to learn: the record leaves the open index. */
  close: boolean;
}

/** The port the reconciled envelopes need beyond the call and message stores (lib/store/reconcile-store.ts). */
export interface SettleStore {
  /**
   * Records the price (if absent, with `delivery` as the report that set it) and closes the record. `changed` false:
   * there was nothing left to do. `priced`: the record's price after the write, whoever set it.
   */
  settle(id: string, settlement: Settlement, delivery?: string): Promise<{ changed: boolean; priced?: PricedRecord }>;
  /** The record's price and the report that set it; undefined while unpriced. */
  priced(id: string): Promise<PricedRecord | undefined>;
  /** Marks a record SignalWire does not know (or that stayed open too long) and closes it; false when already closed. */
  markUnknown(id: string, reason: string): Promise<boolean>;
}

export interface ReconciledDeps {
  calls: CallStore;
  messages: MessageStore;
  settleCalls: SettleStore;
  settleMessages: SettleStore;
}

/**
 * Applies what the reconciler learned from SignalWire's REST API (an envelope with `source: reconcile`). The state
 * goes through the same use case, and so the same conditional writes, as a webhook: whichever of the reconciler and
 * a late webhook comes second finds the state seen and changes nothing. The price and the close follow in a second,
 * conditional write, which is also a no-op the second time.
 */
export async function applyReconciled(
  envelope: WebhookEnvelope,
  deps: ReconciledDeps,
  events: ChangeEvents = NO_EVENTS,
): Promise<string> {
  const payload = envelope.payload;
  if (!isReconcilePayload(payload)) throw new PermanentError('reconcile: payload is not a reconcile report');
  const isCall = envelope.kind === 'call.status';
  if (!isCall && envelope.kind !== 'message.status')
    throw new PermanentError(`reconcile: no reconcile report for ${envelope.kind}`);
  const settle = isCall ? deps.settleCalls : deps.settleMessages;
  if (payload.reconcile === 'unknown') {
    return (await settle.markUnknown(payload.record_id, payload.reason.slice(0, 200))) ? 'marked-unknown' : 'duplicate';
  }
  let outcome: string;
  let report: { cost?: Cost; settled: boolean; durationSeconds?: number };
  if (isCall) {
    const call = reconciledCall(payload, envelope.received_at);
    // SignalWire's duration comes with the event: a call ended without one gets it here, and its `Call Ended`.
    outcome = await applyCallStatus(call.event, deps.calls, events);
    report = { ...call, durationSeconds: call.event.durationSeconds };
  } else {
    const message = reconciledMessage(payload, envelope.received_at);
    // An inbound message we never heard of (its webhook was lost): recorded as received, as its webhook would have;
    // not answered nor forwarded this late (a keyword reply minutes or hours after the question would surprise).
    if (message.direction === 'inbound') {
      const inbound = inboundFrom(message.event, payload.resource);
      const recorded = await deps.messages.recordInbound(inbound, events.delivery || undefined);
      const mine =
        !recorded &&
        (await readAppliedByThis(events, async () => (await deps.messages.appliedBy(inbound.messageId)).received));
      if (recorded || mine) events.emit(messageReceived(inbound));
      outcome = recorded ? 'recorded' : 'duplicate';
    } else outcome = await applyMessageStatus(message.event, deps.messages, events);
    report = message;
  }
  if (report.cost === undefined && !report.settled) return outcome;
  const { changed, priced } = await settle.settle(
    payload.record_id,
    {
      ...(report.cost && { price: report.cost.price, priceUnit: report.cost.priceUnit }),
      ...(report.durationSeconds !== undefined && { durationSeconds: report.durationSeconds }),
      close: report.settled,
    },
    events.delivery || undefined,
  );
  // The price's event, once per record: from the report that set it, or again from a later attempt of that report
  // (its first publish may not have gone out); another report finds it priced by someone else.
  const pricedNow = changed
    ? priced
    : report.cost && events.delivery !== ''
      ? await settle.priced(payload.record_id)
      : undefined;
  if (pricedNow !== undefined && appliedByThis(events, pricedNow.pricedBy)) {
    const at = Date.parse(envelope.received_at);
    events.emit(
      isCall ? callPriced(payload.record_id, pricedNow, at) : messagePriced(payload.record_id, pricedNow, at),
    );
  }
  if (!changed) return outcome;
  const added = report.settled ? 'settled' : 'priced';
  // A state already seen whose price this report brought is a change, not a duplicate (the archive says so).
  return outcome === 'duplicate' ? added : `${outcome}; ${added}`;
}

function inboundFrom(event: MessageStatusEvent, resource: Record<string, unknown>): IncomingMessage {
  const segments = Number(resource.num_segments);
  return {
    messageId: event.messageId,
    from: event.from ?? '',
    to: event.to ?? '',
    body: typeof resource.body === 'string' ? resource.body : '',
    mediaUrls: [],
    segments: Number.isInteger(segments) && segments > 0 ? segments : 1,
    occurredAt: event.occurredAt,
    shape: event.shape,
  };
}
