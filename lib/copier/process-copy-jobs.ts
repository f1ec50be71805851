import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { receiveCount } from '../queue/receive-count';
import { PermanentError } from '../errors';
import type { Logger } from '../logger';
import { withLogContext } from '../log-context';
import type { Metrics } from '../metrics';
import type { ChangeVisibility } from '../queue/change-visibility';
import type { DeadLetterQueue } from '../queue/dead-letter-queue';
import { retryCauseOf, retryDelaySeconds, type RetryBackoff } from '../worker/retry-delay';
import type { CopyOutcome } from '../recordings/copy-recording';
import { parseCopyJob, type CopyJob } from '../recordings/recording-job';

export interface CopyBatchDeps {
  copy(job: CopyJob): Promise<CopyOutcome>;
  deadLetters: DeadLetterQueue;
  maxReceiveCount: number;
  backoff: RetryBackoff;
  changeVisibility: ChangeVisibility;
  log: Logger;
  metrics?: Metrics;
}

/**
 * The copier's SQS batch (one job a batch, as serverless.yml sets it): a job that can never succeed (a 404, a refused
 * URL, not a job) is dead-lettered at once with its reason; a passing failure (5xx, timeout, a cut download) comes
 * back after a backoff, and on its last delivery is dead-lettered as exhausted.
 */
export async function processCopyJobs(records: SQSRecord[], deps: CopyBatchDeps): Promise<SQSBatchResponse> {
  const done = await Promise.all(
    records.map((record) => withLogContext({ message_id: record.messageId }, () => processJob(record, deps))),
  );
  return { batchItemFailures: records.filter((_, i) => !done[i]).map((r) => ({ itemIdentifier: r.messageId })) };
}

async function processJob(record: SQSRecord, deps: CopyBatchDeps): Promise<boolean> {
  const attempts = receiveCount(record);
  let job: CopyJob | undefined;
  try {
    job = parseCopyJob(record.body);
    const outcome = await deps.copy(job);
    deps.log.info('recording copied', { recording_id: job.recording_id, outcome, attempts });
    deps.metrics?.count('RecordingCopied', { Outcome: outcome });
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const context = { recording_id: job?.recording_id, attempts, reason };
    const failure =
      error instanceof PermanentError
        ? { reason, category: 'invalid' as const }
        : attempts >= deps.maxReceiveCount
          ? { reason: `failed on all ${attempts} deliveries; last error: ${reason}`, category: 'exhausted' as const }
          : undefined;
    if (failure !== undefined) {
      try {
        await deps.deadLetters.send(record.body, { ...failure, attempts, sourceMessageId: record.messageId });
        deps.log.warn('recording copy dead-lettered', { ...context, category: failure.category });
        deps.metrics?.count('RecordingCopyDeadLettered', { Category: failure.category });
        return true;
      } catch (dlqError) {
        deps.log.error('could not dead-letter the copy job', { ...context, error: dlqError });
        return false;
      }
    }
    const seconds = retryDelaySeconds(retryCauseOf(error), attempts, deps.backoff, Date.now(), Math.random);
    if (seconds !== undefined)
      await deps
        .changeVisibility(record.receiptHandle, seconds)
        .catch((e: unknown) => deps.log.warn('could not delay the copy retry', { ...context, error: e }));
    deps.log.warn('recording copy failed, will retry', { ...context, retry_in_seconds: seconds });
    return false;
  }
}
