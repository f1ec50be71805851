import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ReplayQueue } from './replay-archive';

/** Replays go to the webhook queue with SendMessageBatch; an entry SQS refused is retried once, then reported. */
export function createReplayQueue(sqs: SQSClient, queueUrl: string): ReplayQueue {
  return {
    async sendBatch(messageBodies) {
      let entries = messageBodies.map((body, i) => ({ Id: String(i), MessageBody: body }));
      for (let attempt = 0; entries.length > 0; attempt++) {
        const { Failed = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        if (Failed.length === 0) return;
        if (attempt === 1)
          throw new Error(`the queue refused ${Failed.length} replays: ${Failed[0]!.Message ?? Failed[0]!.Code}`);
        const failedIds = new Set(Failed.map((f) => f.Id));
        entries = entries.filter((e) => failedIds.has(e.Id));
      }
    },
  };
}
