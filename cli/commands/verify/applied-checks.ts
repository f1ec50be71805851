import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createArchiveStore } from '../../../lib/archive/archive-store';
import type { ArchiveEntry } from '../../../lib/archive/archive-entry';
import type { MessageRecord } from '../../../lib/messages/message-record';
import { createMessageStore } from '../../../lib/store/message-store';
import type { Target } from '../../target';
import { errorText, failed, isRefusal, passed, reachFix, type Check } from './check';
import type { StageView } from './stage-view';

/** The status the sample reports (samples/message-status-flat-delivered.json). */
const SAMPLE_STATUS = 'delivered';
const POLL_MS = 250;

/** Not tried: the delivery was not accepted, so there is nothing to wait for. */
export function notTried(reason: string): Check[] {
  return [failed('applied', `not tried: ${reason}`), failed('archived', `not tried: ${reason}`)];
}

/**
 * Waits (up to `timeoutMs`) for the worker to have applied the accepted sample, read back as `webhooks messages show`
 * reads it (the message's record, status `delivered`), and for its verdict in the archive as `webhooks tail` sees it
 * (`applied`). Two checks: `applied` and `archived`.
 */
export async function checkApplied(
  target: Target,
  view: StageView,
  sent: { messageId: string; eventId: string },
  timeoutMs: number,
): Promise<Check[]> {
  const messages = createMessageStore(target.table);
  const archive = createArchiveStore(target.table);
  const deadline = Date.now() + timeoutMs;
  let message: MessageRecord | undefined;
  let entry: ArchiveEntry | undefined;
  let readError: unknown;
  for (;;) {
    try {
      [message, entry] = await Promise.all([messages.get(sent.messageId), archive.get(sent.eventId)]);
      readError = undefined;
    } catch (error) {
      readError = error;
    }
    const applied = message?.status === SAMPLE_STATUS;
    const settled = entry !== undefined && entry.status !== 'retrying';
    if ((applied && settled) || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const waited = `${Math.round(timeoutMs / 1000)} s`;
  if (readError !== undefined) {
    const detail = `could not read the table ${target.table.tableName}: ${errorText(readError)}`;
    const fix = view.local
      ? 'is `npm start` running?'
      : isRefusal(detail)
        ? 'your credentials need dynamodb:GetItem on the events table'
        : reachFix(view.region);
    return [failed('applied', detail, fix), failed('archived', detail, fix)];
  }
  return [
    await appliedCheck(target, view, sent, message, entry, waited),
    archivedCheck(sent.eventId, entry, waited, view),
  ];
}

async function appliedCheck(
  target: Target,
  view: StageView,
  sent: { messageId: string; eventId: string },
  message: MessageRecord | undefined,
  entry: ArchiveEntry | undefined,
  waited: string,
): Promise<Check> {
  if (message?.status === SAMPLE_STATUS)
    return passed(
      'applied',
      `the worker applied it: message ${sent.messageId} is ${SAMPLE_STATUS} in ${target.table.tableName} (it expires with the table's retention)`,
    );
  if (entry?.status === 'dead-lettered' || entry?.status === 'retrying') {
    return failed(
      'applied',
      `the worker failed event ${sent.eventId} (${entry.status}): ${entry.reason ?? 'no reason recorded'}`,
      `npx webhooks dlq list${stageFlag(view)} shows it; after fixing the cause, npx webhooks dlq redrive${stageFlag(view)}`,
    );
  }
  const waiting = await queueDepth(target).catch(() => undefined);
  const backlog = waiting === undefined ? '' : `; ${waiting} message${waiting === 1 ? '' : 's'} in the webhook queue`;
  const fix = view.local
    ? 'the local worker is not consuming the queue: restart `npm start`; then run verify again'
    : `check that the worker's SQS trigger is enabled (aws lambda list-event-source-mappings --region ${view.region} --function-name ${view.service}-${view.stage}-worker) and its logs (npx serverless logs -f worker --stage ${view.stage} --region ${view.region}); then run verify again (--timeout SECONDS waits longer)`;
  return failed(
    'applied',
    `the delivery was accepted (event ${sent.eventId}) but not applied within ${waited}: message ${sent.messageId} is ${message ? `still ${message.status}` : 'not in the table'}${backlog}`,
    fix,
  );
}

function archivedCheck(eventId: string, entry: ArchiveEntry | undefined, waited: string, view: StageView): Check {
  if (entry === undefined)
    return failed(
      'archived',
      `no verdict for event ${eventId} in the archive within ${waited} (the worker files one per delivery it handles)`,
      'see `applied` above: the worker did not handle it',
    );
  if (entry.status === 'applied')
    return passed(
      'archived',
      `the archive holds event ${eventId}: ${entry.status} (${entry.outcome}), as \`webhooks tail${stageFlag(view)}\` shows it`,
    );
  return failed(
    'archived',
    `the archive holds event ${eventId} as ${entry.status} (${entry.outcome}${entry.reason ? `: ${entry.reason}` : ''})`,
    `npx webhooks replay ${eventId}${stageFlag(view)} after fixing the cause`,
  );
}

const stageFlag = (view: StageView) => (view.local ? '' : ` --stage ${view.stage}`);

async function queueDepth(target: Target): Promise<number> {
  const { Attributes = {} } = await target.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: target.queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}
