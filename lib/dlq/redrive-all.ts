import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** What `webhooks dlq redrive` (everything) reports: SQS's own move task, as it ended. */
export interface MoveReport {
  move_task: { status: string; messages_moved: number; messages_to_move: number | null; failure_reason: string | null };
}

/**
 * Redrives the whole DLQ with SQS's StartMessageMoveTask: SQS moves every message to the main queue and deletes
 * it from the DLQ itself, so nothing is reported moved that was not. Waits for the task to end (or `timeoutMs`).
 */
export async function redriveAll(
  sqs: SQSClient,
  urls: { queueUrl: string; deadLetterQueueUrl: string },
  timeoutMs = 10 * 60_000,
): Promise<MoveReport> {
  const [sourceArn, destinationArn] = await Promise.all([
    arnOf(sqs, urls.deadLetterQueueUrl),
    arnOf(sqs, urls.queueUrl),
  ]);
  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn }),
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }));
    const task = Results.find((t) => t.TaskHandle === TaskHandle) ?? Results[0];
    const status = task?.Status ?? 'UNKNOWN';
    if (status !== 'RUNNING' || Date.now() > deadline) {
      return {
        move_task: {
          status,
          messages_moved: Number(task?.ApproximateNumberOfMessagesMoved ?? 0),
          messages_to_move: task?.ApproximateNumberOfMessagesToMove ?? null,
          failure_reason: task?.FailureReason ?? null,
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function arnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes!.QueueArn!;
}
