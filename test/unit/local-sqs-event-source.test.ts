import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { startSqsEventSource } from '../../local/sqs-event-source';
import { waitFor } from '../helpers/wait';

/** A queue holding `ids` for the first receive; records every command the event source sends it, by name. */
function fakeQueue(ids: string[]) {
  const sent: Array<{ command: string; input: any }> = [];
  let pending = ids.map((id) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: '{}', Attributes: {} }));
  const sqs = {
    async send(command: { constructor: { name: string }; input: any }) {
      sent.push({ command: command.constructor.name, input: command.input });
      if (command.constructor.name === 'ReceiveMessageCommand') {
        const taken = pending.slice(0, command.input.MaxNumberOfMessages);
        pending = pending.slice(taken.length);
        if (taken.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
        return { Messages: taken };
      }
      if (command.constructor.name === 'DeleteMessageBatchCommand')
        return { Successful: command.input.Entries.map((e: { Id: string }) => ({ Id: e.Id })), Failed: [] };
      return {};
    },
  } as unknown as SQSClient;
  return { sqs, sent };
}

describe('local SQS event source mapping (local/sqs-event-source.ts)', () => {
  it("deletes what the handler finished and leaves a reported failure alone, as Lambda does: the function's own visibility change stands", async () => {
    // given a batch of two, the handler failing one of them
    const { sqs, sent } = fakeQueue(['ok-1', 'failed-1']);
    const source = startSqsEventSource({
      sqs,
      queueUrl: 'http://127.0.0.1:9/000000000000/webhooks',
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:webhooks',
      batchSize: 10,
      batchWindowMs: 20,
      concurrency: 1,
      reportBatchItemFailures: true,
      timeoutMs: 1000,
      handler: async () => ({ batchItemFailures: [{ itemIdentifier: 'failed-1' }] }),
    });
    // when the batch has been handled
    await waitFor(async () => (source.stats.deleted === 1 ? true : undefined), 5_000, 'the success deleted');
    await source.stop();
    // then only the success was deleted, and nothing touched the failed message's visibility
    const deletes = sent.filter((s) => s.command === 'DeleteMessageBatchCommand');
    assert.deepEqual(
      deletes.flatMap((d) => d.input.Entries.map((e: { ReceiptHandle: string }) => e.ReceiptHandle)),
      ['rh-ok-1'],
    );
    assert.deepEqual(
      sent.filter((s) => !['ReceiveMessageCommand', 'DeleteMessageBatchCommand'].includes(s.command)),
      [],
    );
    assert.equal(source.stats.failed, 1);
  });
});
