import {
  ChangeMessageVisibilityBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** A received dead letter and when its receipt handle was issued (it is only good while the message stays hidden). */
export interface HeldMessage {
  message: Message;
  receivedAt: number;
}

/** Long polls (SQS may answer a short poll empty while messages wait on other servers); at least 1 s. */
const LONG_POLL_SECONDS = 1;

/**
 * Pages of the DLQ, received with long polls and hidden for `hideSeconds`, until a long poll finds nothing visible
 * (drained: what we hold stays hidden meanwhile) or `limit` messages were read. A message seen again (its hide ran
 * out) is skipped, never counted twice; once only such messages come back, page after page, everything was seen.
 */
export async function* dlqPages(
  sqs: SQSClient,
  queueUrl: string,
  options: { hideSeconds: number; limit: number },
): AsyncGenerator<HeldMessage[]> {
  const seen = new Set<string>();
  let pagesWithNothingNew = 0;
  while (seen.size < options.limit && pagesWithNothingNew < 5) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, options.limit - seen.size),
        VisibilityTimeout: options.hideSeconds,
        WaitTimeSeconds: LONG_POLL_SECONDS,
        MessageAttributeNames: ['All'],
        // Both spellings: AWS deprecated AttributeNames, the local emulator only knows that one.
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return;
    const receivedAt = Date.now();
    const fresh = Messages.filter((m) => !seen.has(m.MessageId!));
    pagesWithNothingNew = fresh.length === 0 ? pagesWithNothingNew + 1 : 0;
    for (const m of fresh) seen.add(m.MessageId!);
    yield fresh.map((message) => ({ message, receivedAt }));
  }
}

/** Makes held messages visible again; a handle that went stale meanwhile needs nothing (its hide already ended). */
export async function release(sqs: SQSClient, queueUrl: string, held: readonly HeldMessage[]): Promise<void> {
  for (let i = 0; i < held.length; i += 10) {
    const entries = held
      .slice(i, i + 10)
      .map((h, j) => ({ Id: String(j), ReceiptHandle: h.message.ReceiptHandle!, VisibilityTimeout: 0 }));
    await sqs
      .send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }))
      .catch(() => undefined);
  }
}
