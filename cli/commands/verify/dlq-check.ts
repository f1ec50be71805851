import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Target } from '../../target';
import { errorText, failed, isRefusal, passed, reachFix, type Check } from './check';
import type { StageView } from './stage-view';

/** The DLQ's depth (visible and in flight): empty holds; dead letters wait for an operator (the dlq-not-empty alarm fires). */
export async function checkDeadLetterQueue(target: Target, view: StageView): Promise<Check> {
  const stage = view.local ? '' : ` --stage ${view.stage}`;
  try {
    const { Attributes = {} } = await target.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: target.deadLetterQueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const depth =
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    if (depth === 0) return passed('dead-letter queue', 'empty (depth 0)');
    return failed(
      'dead-letter queue',
      `depth ${depth}: ${depth === 1 ? 'a delivery waits' : 'deliveries wait'} for an operator`,
      `npx webhooks dlq list${stage} says why; after fixing the cause, npx webhooks dlq redrive${stage}`,
    );
  } catch (error) {
    const detail = errorText(error);
    const fix = view.local
      ? 'is `npm start` running?'
      : isRefusal(detail)
        ? 'your credentials need sqs:GetQueueAttributes on the DLQ'
        : reachFix(view.region);
    return failed('dead-letter queue', `could not read its depth: ${detail}`, fix);
  }
}
