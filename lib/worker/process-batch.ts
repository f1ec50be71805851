import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { receiveCount } from '../queue/receive-count';
import {
  archiveEntryOf,
  statusOfOutcome,
  type ArchiveEntry,
  type ArchivedEvent,
  type ArchiveStatus,
} from '../archive/archive-entry';
import type { ArchiveStore } from '../archive/archive-store';
import { causeMessage, DependencyError, PermanentError, errorMessage } from '../errors';
import { parseEnvelope, type WebhookEnvelope } from '../envelope/envelope';
import { type ChangeEvents, collectEvents } from '../events/change-events';
import type { DomainEvent } from '../events/domain-event';
import { ALL_OUT, type PublishEvents, type Unpublished } from '../events/publish-events';
import type { Logger } from '../logger';
import { withLogContext } from '../log-context';
import type { Metrics } from '../metrics';
import type { ChangeVisibility } from '../queue/change-visibility';
import type { DeadLetterQueue } from '../queue/dead-letter-queue';
import type { FailureStore } from '../store/failure-store';
import { retryCauseOf, retryDelaySeconds, type RetryBackoff } from './retry-delay';

export interface BatchDeps {
  /**
   * Applies one event, reporting the events of the changes it made to `events`; throws PermanentError when it can
   * never succeed, anything else to have it retried.
   */
  apply(envelope: WebhookEnvelope, events: ChangeEvents): Promise<string>;
  /**
   * Publishes those events (the bus, the destinations) before the delivery is acknowledged: if that fails, the
   * delivery comes back, finds its change applied and reports its events again. None published when absent.
   */
  publish?: PublishEvents;
  deadLetters: DeadLetterQueue;
  failures: FailureStore;
  /** The queue's redrive maxReceiveCount: on that delivery a failure is dead-lettered by us, with its reason. */
  maxReceiveCount: number;
  log: Logger;
  /** Counts EventApplied (by Kind) and EventDeadLettered (by Category). */
  metrics?: Metrics;
  /** Files every delivery with its verdict: one batch write per SQS batch (none when absent). */
  archive?: ArchiveStore;
  /**
   * Sets each failed record's next delivery (lib/worker/retry-delay.ts) before it is reported; when absent, or when
   * the change fails, it comes back after the queue's visibility timeout.
   */
  retries?: { backoff: RetryBackoff; changeVisibility: ChangeVisibility; now?(): number; random?(): number };
}

type Verdict = {
  status: ArchiveStatus;
  outcome: string;
  reason?: string;
  attempts: number;
  events?: ArchivedEvent[];
};

/**
 * Processes an SQS batch record by record and reports partial failures, so one bad record never holds back or
 * re-runs the others. Only errors we want retried are reported; what can never succeed goes to the DLQ now.
 * The events of the changes the records applied are published together, once per batch (PutEvents takes 10 at a
 * time), before any record is reported done: a record whose events could not be published comes back.
 */
export async function processBatch(records: SQSRecord[], deps: BatchDeps): Promise<SQSBatchResponse> {
  const entries: ArchiveEntry[] = [];
  const file = (envelope: WebhookEnvelope | undefined, verdict: Verdict) => {
    if (envelope !== undefined && deps.archive !== undefined) entries.push(archiveEntryOf(envelope, verdict));
  };
  const applied = await Promise.all(
    records.map((record) => withLogContext({ message_id: record.messageId }, () => applyRecord(record, deps, file))),
  );
  const unpublished = await publishAll(
    applied.flatMap((a) => (typeof a === 'boolean' ? [] : a.events)),
    deps,
  );
  const results = await Promise.all(
    applied.map((a) =>
      typeof a === 'boolean'
        ? a
        : withLogContext(
            { message_id: a.record.messageId, event_id: a.envelope.event_id, ingest_request_id: a.envelope.request_id },
            () => finishRecord(a, unpublished, deps, file),
          ),
    ),
  );
  await archive(entries, deps);
  return { batchItemFailures: records.filter((_, i) => !results[i]).map((r) => ({ itemIdentifier: r.messageId })) };
}

/** A record whose change is applied, waiting for its events to be published. */
interface Applied {
  record: SQSRecord;
  envelope: WebhookEnvelope;
  outcome: string;
  events: DomainEvent[];
}

/** The batch's events, published at once: what is left undone (nothing when there was nothing to publish). */
async function publishAll(events: DomainEvent[], deps: BatchDeps): Promise<Unpublished> {
  if (events.length === 0 || deps.publish === undefined) return ALL_OUT;
  let left: Unpublished;
  try {
    left = await deps.publish(events);
  } catch (error) {
    left = { ids: new Set(events.map((e) => e.id)), reason: errorMessage(error) };
  }
  deps.metrics?.count('EventsPublished', {}, events.length - left.ids.size);
  return left;
}

/**
 * The archive is for operators: the state is already applied, so a failed archive write is logged and counted,
 * never turned into a redelivery (which would file the event again as a mere `duplicate`).
 */
async function archive(entries: ArchiveEntry[], deps: BatchDeps): Promise<void> {
  if (entries.length === 0 || deps.archive === undefined) return;
  try {
    await deps.archive.write(entries);
  } catch (error) {
    deps.log.error('could not archive deliveries', { event_ids: entries.map((e) => e.event_id), error });
    deps.metrics?.count('ArchiveWriteFailed', {});
  }
}

/**
 * Applies one record: Applied (its events still to publish), or true when it is done with (dead-lettered), false to
 * have SQS deliver it again.
 */
async function applyRecord(
  record: SQSRecord,
  deps: BatchDeps,
  file: (envelope: WebhookEnvelope | undefined, verdict: Verdict) => void,
): Promise<Applied | boolean> {
  let envelope: WebhookEnvelope;
  try {
    envelope = parseEnvelope(record.body);
  } catch (error) {
    return settleFailure(record, undefined, error, deps, file);
  }
  // Every line about this event, however deep, names it and the ingest request that accepted it.
  return withLogContext({ event_id: envelope.event_id, ingest_request_id: envelope.request_id }, async () => {
    try {
      // The delivery's identity, recorded by the writes it applies: see lib/events/change-events.ts.
      const changes = collectEvents(await deliveryIdentity(envelope, deps));
      const outcome = await deps.apply(envelope, changes);
      return { record, envelope, outcome, events: changes.events };
    } catch (error) {
      return settleFailure(record, envelope, error, deps, file);
    }
  });
}

/** The verdicts after which a delivery's events are out: it is filed so only once they are published. */
const EVENTS_OUT: ReadonlySet<ArchiveStatus> = new Set(['applied', 'duplicate', 'late']);

/**
 * Who a delivery is, for the writes it applies and the events it reports again. A replay (`webhooks replay`, `dlq
 * replay`) of a delivery the archive shows done is a delivery of its own: the original's events are out, so it reports
 * only what it changes itself (a record lost since, say), and a replay that changes nothing reports nothing. A replay
 * of a delivery not known to be done (dead-lettered, retrying, or not in the archive) stands for it: the original may
 * have applied its change and never published it, so the replay reports those changes again, with the same ids.
 */
async function deliveryIdentity(envelope: WebhookEnvelope, deps: BatchDeps): Promise<string> {
  const original = envelope.replay_of;
  if (original === undefined || deps.archive === undefined) return original ?? envelope.event_id;
  try {
    const filed = await deps.archive.get(original);
    return filed !== undefined && EVENTS_OUT.has(filed.status) ? envelope.event_id : original;
  } catch (error) {
    // Unknown: at least once rather than at most once.
    deps.log.warn('could not read the replayed delivery from the archive', { replay_of: original, error });
    return original;
  }
}

/** Done when its events are out (or it had none); otherwise it comes back, as any failure that may pass. */
async function finishRecord(
  applied: Applied,
  unpublished: Unpublished,
  deps: BatchDeps,
  file: (envelope: WebhookEnvelope | undefined, verdict: Verdict) => void,
): Promise<boolean> {
  const { record, envelope, outcome } = applied;
  const left = applied.events.filter((event) => unpublished.ids.has(event.id));
  if (left.length > 0) {
    const error = new DependencyError(`${left.length} of its event(s) not published (${unpublished.reason ?? ''})`);
    return settleFailure(record, envelope, error, deps, file);
  }
  const attempts = receiveCount(record);
  const events = applied.events.map(({ id, type, subject }) => ({ id, type, subject }));
  deps.log.info('event applied', { event_id: envelope.event_id, kind: envelope.kind, outcome, attempts, events });
  deps.metrics?.count('EventApplied', { Kind: envelope.kind });
  file(envelope, { status: statusOfOutcome(outcome), outcome, attempts, ...(events.length > 0 && { events }) });
  return true;
}

/** A record that failed: dead-lettered now (invalid, or out of deliveries), or left for SQS to deliver again. */
async function settleFailure(
  record: SQSRecord,
  envelope: WebhookEnvelope | undefined,
  error: unknown,
  deps: BatchDeps,
  file: (envelope: WebhookEnvelope | undefined, verdict: Verdict) => void,
): Promise<boolean> {
  const attempts = receiveCount(record);
  const reason = errorMessage(error);
  const context = {
    event_id: envelope?.event_id,
    kind: envelope?.kind,
    message_id: record.messageId,
    attempts,
    reason,
  };
  const failure =
    error instanceof PermanentError
      ? { reason, category: 'invalid' as const, attempts }
      : attempts >= deps.maxReceiveCount
        ? {
            reason: `failed on all ${attempts} deliveries; last error: ${reason}`,
            category: 'exhausted' as const,
            attempts,
          }
        : undefined;
  if (failure !== undefined) {
    const done = await deadLetter(record, deps, failure, context);
    file(
      envelope,
      done
        ? { status: 'dead-lettered', outcome: failure.category, reason: failure.reason, attempts }
        : { status: 'retrying', outcome: 'dead-letter failed', reason, attempts },
    );
    if (!done) await retryLater(record, error, deps);
    return done;
  }
  file(envelope, { status: 'retrying', outcome: 'failed', reason, attempts });
  const recordFailure = async () => {
    if (envelope === undefined) return;
    const failed = { event_id: envelope.event_id, last_error: reason, attempts, failed_at: new Date().toISOString() };
    await deps.failures.record(failed).catch((e: unknown) => deps.log.warn('could not record failure', { error: e }));
  };
  const [retryInSeconds] = await Promise.all([retryLater(record, error, deps), recordFailure()]);
  deps.log.warn('event failed, will retry', {
    ...context,
    cause: causeMessage(error),
    retry_in_seconds: retryInSeconds,
  });
  return false;
}

/**
 * Brings a record reported as failed back after its backoff rather than the whole visibility timeout. Returns the
 * seconds set, or undefined when the timeout stays (no backoff, or SQS refused the change: logged, never fatal).
 */
async function retryLater(record: SQSRecord, error: unknown, deps: BatchDeps): Promise<number | undefined> {
  if (deps.retries === undefined) return undefined;
  const { backoff, changeVisibility, now = Date.now, random = Math.random } = deps.retries;
  const seconds = retryDelaySeconds(retryCauseOf(error), receiveCount(record), backoff, now(), random);
  if (seconds === undefined) return undefined;
  try {
    await changeVisibility(record.receiptHandle, seconds);
    return seconds;
  } catch (changeError) {
    deps.log.warn('could not delay the retry; it waits the visibility timeout', {
      message_id: record.messageId,
      seconds,
      error: changeError,
    });
    return undefined;
  }
}

async function deadLetter(
  record: SQSRecord,
  deps: BatchDeps,
  failure: { reason: string; category: 'invalid' | 'exhausted'; attempts: number },
  context: Record<string, unknown>,
): Promise<boolean> {
  try {
    await deps.deadLetters.send(record.body, { ...failure, sourceMessageId: record.messageId });
    deps.log.warn('event dead-lettered', { ...context, category: failure.category, reason: failure.reason });
    deps.metrics?.count('EventDeadLettered', { Category: failure.category });
    return true;
  } catch (error) {
    // Not in the DLQ yet: leave it on the queue; SQS's own redrive catches it on the next delivery at the latest.
    deps.log.error('could not dead-letter event', { ...context, error });
    return false;
  }
}
