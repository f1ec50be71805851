import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { causeMessage, PermanentError } from '../errors';
import { parseEnvelope, type WebhookEnvelope } from '../envelope/envelope';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { DeadLetterQueue } from '../queue/dead-letter-queue';
import type { FailureStore } from '../store/failure-store';

export interface BatchDeps {
  /** Applies one event; throws PermanentError when it can never succeed, anything else to have it retried. */
  apply(envelope: WebhookEnvelope): Promise<string>;
  deadLetters: DeadLetterQueue;
  failures: FailureStore;
  /** The queue's redrive maxReceiveCount: on that delivery a failure is dead-lettered by us, with its reason. */
  maxReceiveCount: number;
  log: Logger;
  /** Counts EventApplied (by Kind) and EventDeadLettered (by Category). */
  metrics?: Metrics;
}

/**
 * Processes an SQS batch record by record and reports partial failures, so one bad record never holds back or
 * re-runs the others. Only errors we want retried are reported; what can never succeed goes to the DLQ now.
 */
export async function processBatch(records: SQSRecord[], deps: BatchDeps): Promise<SQSBatchResponse> {
  const results = await Promise.all(records.map((record) => processRecord(record, deps)));
  return { batchItemFailures: records.filter((_, i) => !results[i]).map((r) => ({ itemIdentifier: r.messageId })) };
}

/** True when the record is done with (applied or dead-lettered), false to have SQS deliver it again. */
async function processRecord(record: SQSRecord, deps: BatchDeps): Promise<boolean> {
  const attempts = Number(record.attributes?.ApproximateReceiveCount ?? 1);
  let envelope: WebhookEnvelope | undefined;
  try {
    envelope = parseEnvelope(record.body);
    const outcome = await deps.apply(envelope);
    deps.log.info('event applied', { event_id: envelope.event_id, kind: envelope.kind, outcome, attempts });
    deps.metrics?.count('EventApplied', { Kind: envelope.kind });
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const context = { event_id: envelope?.event_id, kind: envelope?.kind, message_id: record.messageId, attempts, reason };
    if (error instanceof PermanentError) return deadLetter(record, deps, { reason, category: 'invalid', attempts }, context);
    if (attempts >= deps.maxReceiveCount) {
      const exhausted = `failed on all ${attempts} deliveries; last error: ${reason}`;
      return deadLetter(record, deps, { reason: exhausted, category: 'exhausted', attempts }, context);
    }
    deps.log.warn('event failed, will retry', { ...context, cause: causeMessage(error) });
    if (envelope !== undefined) {
      const failure = { event_id: envelope.event_id, last_error: reason, attempts, failed_at: new Date().toISOString() };
      await deps.failures.record(failure).catch((e: unknown) => deps.log.warn('could not record failure', { error: e }));
    }
    return false;
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
