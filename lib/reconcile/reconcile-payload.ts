import { randomUUID } from 'node:crypto';
import type { WebhookEnvelope } from '../envelope/envelope';
import type { WebhookKind } from '../envelope/routes';
import type { LookupApi } from '../signalwire/lookup-ref';

/**
 * What the reconciler learned about one call or message, as the payload of a synthetic envelope (`source:
 * reconcile`) that goes through the webhook queue like a delivery, so idempotency, ordering and the archive treat it
 * exactly like one. `resource` is SignalWire's answer as it came (the archive shows what SignalWire said);
 * lib/reconcile/normalize-reconciled.ts reads it with SignalWire's own timestamps.
 */
export type ReconcilePayload =
  /** `record_id`: our record's id (a RELAY call's `call_id`, while the voice log is found by its `segment_id`). */
  | { reconcile: 'state'; api: LookupApi; record_id: string; resource: Record<string, unknown> }
  /** SignalWire no longer knows it (404), or it is still open after the give-up bound: stop asking. */
  | { reconcile: 'unknown'; api: LookupApi; record_id: string; reason: string };

/** The route archived for a synthetic delivery: no HTTP route carried it. */
export const RECONCILE_ROUTE = 'reconcile';

export function reconcileEnvelope(
  kind: Extract<WebhookKind, 'call.status' | 'message.status' | 'message.incoming'>,
  payload: ReconcilePayload,
  now: Date = new Date(),
): WebhookEnvelope {
  const body = JSON.stringify(payload);
  return {
    version: 1,
    event_id: randomUUID(),
    received_at: now.toISOString(),
    kind,
    route: RECONCILE_ROUTE,
    content_type: 'json',
    body,
    payload,
    headers: {},
    source: 'reconcile',
  };
}

export function isReconcilePayload(payload: Record<string, unknown>): payload is ReconcilePayload {
  return (
    (payload.reconcile === 'state' || payload.reconcile === 'unknown') &&
    typeof payload.record_id === 'string' &&
    payload.record_id !== ''
  );
}
