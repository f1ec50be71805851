import { randomUUID } from 'node:crypto';
import { acquireClaim, type ClaimStore } from '../claims/lease-claim';
import type { Notification, Notifier } from './notifier';

export interface NotifyOnceDeps {
  /** Notification claims, keyed by event key (DynamoDB: pk `NOTIFY#<event key>`, lib/store/claim-store.ts). */
  claims: ClaimStore;
  notifier: Notifier;
  /** Must outlast the worker's timeout, as for replies. */
  leaseMs: number;
  now?(): number;
}

export type NotifyOutcome = 'notified' | 'already notified';

/** What a use case holds to notify: `notifyOnce` with its dependencies bound (see createNotify). */
export type Notify = (notification: Notification) => Promise<NotifyOutcome>;

export const createNotify =
  (deps: NotifyOnceDeps): Notify =>
  (notification) =>
    notifyOnce(notification, deps);

/**
 * Publishes a notification once per event key: claim (`NOTIFY#<key>` in progress, under a lease) -> publish ->
 * mark `published`. Redeliveries of the event find the claim settled (or held) and publish nothing.
 * The one duplicate left: a worker that dies (or cannot write) after the publish and before the mark. SNS cannot be asked what was
 * published, so whoever takes the expired claim over publishes again. That window is one DynamoDB write wide;
 * a duplicate e-mail there is accepted rather than risking none.
 */
export async function notifyOnce(notification: Notification, deps: NotifyOnceDeps): Promise<NotifyOutcome> {
  const key = notification.eventKey;
  const now = deps.now ?? Date.now;
  const claim = await acquireClaim(deps.claims, key, { kind: notification.kind }, { leaseMs: deps.leaseMs, now: now(), token: randomUUID() });
  if (claim.kind === 'settled') return 'already notified';
  try {
    const { id } = await deps.notifier.publish(notification);
    await deps.claims.finish(key, claim.token, 'published', id === undefined ? {} : { publish_id: id });
    return 'notified';
  } catch (error) {
    // Released whatever failed, so a retry (or, after a permanent failure such as a deleted topic, a DLQ redrive
    // once it is fixed) publishes at once. If this write fails too, the lease expires.
    const reason = error instanceof Error ? error.message : String(error);
    await deps.claims.finish(key, claim.token, 'retry', { reason }).catch(() => undefined);
    throw error;
  }
}
