import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Deletes every dead letter it can receive, ten at a time, and reports their ids. Not PurgeQueue: that gives no
 * account of what went (and the local emulator applies it a minute late). Messages another operator holds
 * invisible at that moment stay.
 */
export async function purgeDeadLetters(
  sqs: SQSClient,
  deadLetterQueueUrl: string,
): Promise<{ purged: string[]; failed: string[] }> {
  const purged: string[] = [];
  const failed: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 30,
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) return { purged, failed };
    const entries = Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! }));
    const { Failed = [] } = await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: deadLetterQueueUrl, Entries: entries }),
    );
    const failedIds = new Set(Failed.map((f) => f.Id));
    for (const [i, m] of Messages.entries()) (failedIds.has(String(i)) ? failed : purged).push(m.MessageId!);
    if (Failed.length === Messages.length) return { purged, failed };
  }
}
