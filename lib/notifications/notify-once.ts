import { randomUUID } from 'node:crypto';
import { acquireClaim, type ClaimStore } from '../claims/lease-claim';
import { PublishUncertainError, type Notification, type Notifier } from './notifier';

export interface NotifyOnceDeps {
  /** Notification claims, keyed by event key (DynamoDB: pk `NOTIFY#<event key>`, lib/store/claim-store.ts). */
  claims: ClaimStore;
  notifier: Notifier;
  /** Must outlast the worker's timeout, as for replies. */
  leaseMs: number;
  now?(): number;
}

export type NotifyOutcome = 'notified' | 'already notified' | 'notification uncertain';

/** What a use case holds to notify: `notifyOnce` with its dependencies bound (see createNotify). */
export type Notify = (notification: Notification) => Promise<NotifyOutcome>;

export const createNotify =
  (deps: NotifyOnceDeps): Notify =>
  (notification) =>
    notifyOnce(notification, deps);

/**
 * Publishes a notification at most once per event key: claim (`NOTIFY#<key>` in progress, under a lease) ->
 * publish -> mark `published`. SNS cannot be asked what it published and a standard topic cannot deduplicate, so
 * whenever the publish may have happened without being marked, nobody publishes again and the claim ends
 * `uncertain`: a publish that failed ambiguously (reset, timeout, 5xx), or a holder that died (or could not write
 * the mark) after claiming. Only a publish that surely did not happen releases the claim for a retry.
 */
export async function notifyOnce(notification: Notification, deps: NotifyOnceDeps): Promise<NotifyOutcome> {
  const key = notification.eventKey;
  const now = deps.now ?? Date.now;
  const claim = await acquireClaim(
    deps.claims,
    key,
    { kind: notification.kind },
    { leaseMs: deps.leaseMs, now: now(), token: randomUUID() },
  );
  if (claim.kind === 'settled') return 'already notified';
  if (claim.previous?.status === 'in_progress') {
    // Its holder's lease ran out: it died somewhere between claiming and marking, maybe after publishing.
    await deps.claims.finish(key, claim.token, 'uncertain', {
      reason: 'the previous holder died after claiming; it may have published',
    });
    return 'notification uncertain';
  }
  let id: string | undefined;
  try {
    ({ id } = await deps.notifier.publish(notification));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof PublishUncertainError) {
      // If this write fails, the lease expires and the next holder settles it as uncertain all the same.
      await deps.claims.finish(key, claim.token, 'uncertain', { reason });
      return 'notification uncertain';
    }
    // Surely not published: released, so a retry (or, after a permanent failure such as a deleted topic, a DLQ
    // redrive once it is fixed) publishes at once. If this write fails too, the lease expires.
    await deps.claims.finish(key, claim.token, 'retry', { reason }).catch(() => undefined);
    throw error;
  }
  // Published: never released from here on. If this mark fails, the event is retried and finds the claim held,
  // then (once the lease expired) settles it as uncertain rather than publishing again.
  await deps.claims.finish(key, claim.token, 'published', id === undefined ? {} : { publish_id: id });
  return 'notified';
}
