import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { receiveCount } from '../queue/receive-count';
import type { DeliveryDeadLetters, DeliveryFailure } from '../destinations/delivery-dead-letters';
import { parseDeliveryJob, type DeliveryJob } from '../destinations/delivery-job';
import type { Destination } from '../destinations/destination';
import { retryDelaySeconds, type AttemptVerdict, type DeliveryBackoff } from '../destinations/retry-policy';
import { PermanentError, errorMessage } from '../errors';
import type { Logger } from '../logger';
import { withLogContext } from '../log-context';
import type { Metrics } from '../metrics';
import type { ChangeVisibility } from '../queue/change-visibility';
import type { DestinationDeliveryStatus } from '../store/destination-delivery-store';
import { deliveryStateOf, recordStateSafely, type RecordDeliveryState } from './delivery-state';

export interface DeliveryBatchDeps {
  /** The configured destinations by name (lib/destinations/destination.ts). */
  destinations: ReadonlyMap<string, Destination>;
  /** One try (lib/destinations/deliver-job.ts); a rejection is retried, unless it is a PermanentError. */
  deliver(job: DeliveryJob, destination: Destination): Promise<AttemptVerdict>;
  deadLetters: DeliveryDeadLetters;
  /** The queue's redrive maxReceiveCount: on that receive a failure is dead-lettered by us, with its reason. */
  maxReceiveCount: number;
  backoff: DeliveryBackoff;
  /** On the DestinationsQueue: when a failed job comes back (its backoff). */
  changeVisibility: ChangeVisibility;
  /**
   * Files each try's state for operators (delivered, retrying and when, dead-lettered: lib/deliverer/delivery-state.ts);
   * absent: not filed. Its failure never fails the delivery.
   */
  recordState?: RecordDeliveryState;
  log: Logger;
  /**
   * DeliverySucceeded, DeliveryFailed, DeliveryDeadLettered, DeliveryStateNotRecorded, by Destination (and in all: the
   * Stage-only set).
   */
  metrics?: Metrics;
  now?: () => number;
  random?: () => number;
}

/**
 * The deliverer's SQS batch, record by record and concurrently, with partial batch failures: a job delivered or
 * dead-lettered is done; a job to retry is reported failed after its visibility was set to its backoff, so SQS
 * brings it back then (not after the queue's visibility timeout). Final failures (a 4xx, a redirect, an SSRF
 * refusal, not a job) and exhausted ones (a day of tries, or the last receive the queue allows) go to the DLQ with
 * the reason, the last status and the bounded body.
 */
export async function processDeliveries(records: SQSRecord[], deps: DeliveryBatchDeps): Promise<SQSBatchResponse> {
  const done = await Promise.all(
    records.map((record) => withLogContext({ message_id: record.messageId }, () => processRecord(record, deps))),
  );
  return { batchItemFailures: records.filter((_, i) => !done[i]).map((r) => ({ itemIdentifier: r.messageId })) };
}

/** When the job was first queued (epoch ms): its day of retries counts from there. */
function queuedAt(record: SQSRecord, now: number): number {
  const sent = Number(record.attributes?.SentTimestamp);
  return Number.isFinite(sent) && sent > 0 ? sent : now;
}

/** True when the record is done with (delivered or dead-lettered), false to have SQS deliver it again. */
async function processRecord(record: SQSRecord, deps: DeliveryBatchDeps): Promise<boolean> {
  const attempts = receiveCount(record);
  let job: DeliveryJob;
  try {
    job = parseDeliveryJob(record.body);
  } catch (error) {
    const reason = errorMessage(error);
    return deadLetter(record, deps, { reason, category: 'invalid', attempts, sourceMessageId: record.messageId });
  }
  const destination = deps.destinations.get(job.destination);
  return withLogContext({ event_id: job.event.id, destination: job.destination }, async () => {
    const verdict = await attempt(job, destination, deps);
    // A metric dimension takes configured names only: a job naming anything else would add a metric each.
    const dimensions = { Destination: destination?.name ?? 'unknown' };
    const context = { event_id: job.event.id, event_type: job.event.type, destination: job.destination, attempts };
    const now = (deps.now ?? Date.now)();
    const fileState = (status: DestinationDeliveryStatus, retryInSeconds?: number) =>
      recordStateSafely(
        deps.recordState,
        deliveryStateOf(job, verdict, { status, attempts, now, retryInSeconds }),
        deps.log,
        deps.metrics,
        dimensions,
      );
    if (verdict.kind === 'delivered') {
      deps.log.info('event delivered', { ...context, status: verdict.status });
      deps.metrics?.count('DeliverySucceeded', dimensions);
      await fileState('delivered');
      return true;
    }
    deps.metrics?.count('DeliveryFailed', dimensions);
    const failure = {
      destination: job.destination,
      attempts,
      sourceMessageId: record.messageId,
      ...(verdict.status !== undefined && { lastStatus: verdict.status }),
      ...(verdict.body !== undefined && { responseBody: verdict.body }),
    };
    // Dead-lettered, or left on the queue when SQS refused the dead letter (tried again after the visibility timeout).
    const settleFinal = async (done: boolean) => {
      await fileState(done ? 'dead-lettered' : 'retrying');
      return done;
    };
    if (verdict.kind === 'final')
      return settleFinal(
        await deadLetter(record, deps, { ...failure, reason: verdict.reason, category: 'invalid' }, dimensions),
      );
    const elapsedSeconds = (now - queuedAt(record, now)) / 1000;
    const delay =
      attempts >= deps.maxReceiveCount
        ? undefined
        : retryDelaySeconds(deps.backoff, attempts, elapsedSeconds, verdict.retryAfterSeconds, deps.random);
    if (delay === undefined) {
      const reason = `failed on all ${attempts} tries over ${hours(elapsedSeconds)}; last: ${verdict.reason}`;
      return settleFinal(await deadLetter(record, deps, { ...failure, reason, category: 'exhausted' }, dimensions));
    }
    const delayed = await deps.changeVisibility(record.receiptHandle, delay).then(
      () => true,
      (error: unknown) => {
        deps.log.warn('could not delay the delivery retry; it waits the visibility timeout', { ...context, error });
        return false;
      },
    );
    deps.log.warn('delivery failed, will retry', {
      ...context,
      reason: verdict.reason,
      status: verdict.status,
      retry_in_seconds: delayed ? delay : undefined,
    });
    await fileState('retrying', delayed ? delay : undefined);
    return false;
  });
}

/** One try; a destination no longer configured is final (its job waits in the DLQ for a replay once it is back). */
async function attempt(
  job: DeliveryJob,
  destination: Destination | undefined,
  deps: DeliveryBatchDeps,
): Promise<AttemptVerdict> {
  if (destination === undefined)
    return { kind: 'final', reason: `destination ${job.destination} is not configured (the destinations param)` };
  try {
    return await deps.deliver(job, destination);
  } catch (error) {
    const reason = errorMessage(error);
    return error instanceof PermanentError ? { kind: 'final', reason } : { kind: 'retry', reason };
  }
}

const hours = (seconds: number) =>
  seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : `${Math.max(0, Math.round(seconds))} s`;

/** Sends the job to the DLQ with its failure; when SQS refuses, it stays on the queue and is tried again later. */
async function deadLetter(
  record: SQSRecord,
  deps: DeliveryBatchDeps,
  failure: DeliveryFailure,
  dimensions: Record<string, string> = { Destination: 'unknown' },
): Promise<boolean> {
  const context = {
    destination: failure.destination,
    attempts: failure.attempts,
    category: failure.category,
    reason: failure.reason,
    status: failure.lastStatus,
  };
  try {
    await deps.deadLetters.send(record.body, failure);
    deps.log.warn('delivery dead-lettered', context);
    deps.metrics?.count('DeliveryDeadLettered', dimensions);
    return true;
  } catch (error) {
    deps.log.error('could not dead-letter the delivery job', { ...context, error });
    return false;
  }
}
