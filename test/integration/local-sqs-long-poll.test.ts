import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { startSqs, type Emulator } from '../../local/emulators';
import { STACK_CREDENTIALS } from '../../local/local-credentials';
import { FIRST_MESSAGE_WAIT_SECONDS, pollerSqs, startSqsEventSource } from '../../local/sqs-event-source';
import { waitFor } from '../helpers/wait';

/**
 * The SQS emulator (local-aws-sqs, as published) answers a long poll only once MaxNumberOfMessages are taken or
 * WaitTimeSeconds is over, where SQS answers as soon as one message is there; it hides what it took meanwhile, and
 * counts each message's visibility timeout from the take, so a timeout shorter than the wait hands the same message
 * out again in the same answer; a receive whose caller has gone keeps taking messages until its wait is over. These
 * tests pin that behaviour (docs/testing.md, local stack fidelity), and that the local event source mapping
 * (local/sqs-event-source.ts) still feeds its function promptly, each message once.
 */
describe('local-aws-sqs long polls differ from SQS (docs/testing.md, local stack fidelity)', () => {
  let emulator: Emulator;
  let sqs: SQSClient;
  before(async () => {
    emulator = await startSqs();
    sqs = new SQSClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: STACK_CREDENTIALS });
  });
  after(async () => {
    sqs?.destroy();
    await emulator?.stop();
  });
  const queue = async (visibilityTimeout: number) =>
    (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: `long-poll-${Date.now()}-${Math.random().toString(36).slice(2)}`,
          Attributes: { VisibilityTimeout: String(visibilityTimeout) },
        }),
      )
    ).QueueUrl!;

  it('holds a receive for up to 10 messages until WaitTimeSeconds is over when one is there, hiding it meanwhile', async () => {
    // given a queue with one message
    const QueueUrl = await queue(30);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
    // when a receive for up to 10 waits up to 2 s, and another receiver looks meanwhile
    const started = Date.now();
    const long = sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const meanwhile = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const answer = await long;
    // then the long poll took the message but answered only after the whole wait (SQS answers at once)
    assert.equal(answer.Messages?.length, 1);
    assert.ok(Date.now() - started >= 1900, `answered after ${Date.now() - started} ms`);
    assert.equal(meanwhile.Messages, undefined, 'the message was hidden while the long poll held it');
  });

  it('hands the same message out again in the same answer when its visibility timeout is shorter than the wait', async () => {
    // given a queue with one message and a 1 s visibility timeout
    const QueueUrl = await queue(1);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
    // when a receive for up to 10 waits up to 3 s
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 3,
        MessageSystemAttributeNames: ['All'],
        AttributeNames: ['All'],
      }),
    );
    // then the one message is in it several times, each with a higher receive count (SQS never does this)
    assert.ok(Messages.length >= 2, `${Messages.length} copies`);
    assert.equal(new Set(Messages.map((m) => m.MessageId)).size, 1);
    assert.deepEqual(
      Messages.map((m) => Number(m.Attributes?.ApproximateReceiveCount)),
      Messages.map((_, i) => i + 1),
    );
  });

  it('keeps serving a long poll whose caller has gone: the message it takes then is hidden for the visibility timeout', async () => {
    // given a receive waiting up to 3 s whose caller gives up after 200 ms (a stopped poller, a killed process)
    const QueueUrl = await queue(30);
    const abandoned = new AbortController();
    const gone = sqs
      .send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 3 }), {
        abortSignal: abandoned.signal,
      })
      .catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    abandoned.abort();
    await gone;
    // when a message arrives while the emulator still runs that receive
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // then nobody else can receive it: the abandoned receive took it (why the event source's long polls stay short)
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    assert.equal(Messages, undefined);
  });

  it('answers a long poll for one message as soon as it arrives', async () => {
    // given an empty queue and a receive for one message waiting up to 5 s
    const QueueUrl = await queue(30);
    const started = Date.now();
    const long = sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 5 }));
    // when a message is sent
    await new Promise((resolve) => setTimeout(resolve, 200));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
    // then the receive answers with it at once (what the event source's first receive relies on)
    assert.equal((await long).Messages?.length, 1);
    assert.ok(Date.now() - started < 1500, `answered after ${Date.now() - started} ms`);
  });
});

describe('the local SQS event source mapping (local/sqs-event-source.ts) on the published emulator', () => {
  let emulator: Emulator;
  let sqs: SQSClient;
  before(async () => {
    emulator = await startSqs();
    sqs = new SQSClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: STACK_CREDENTIALS });
  });
  after(async () => {
    sqs?.destroy();
    await emulator?.stop();
  });

  async function mappingOn(queueName: string) {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: queueName, Attributes: { VisibilityTimeout: '1' } }),
    );
    const batches: { ids: string[]; at: number }[] = [];
    const poller = pollerSqs(emulator.endpoint, STACK_CREDENTIALS);
    const source = startSqsEventSource({
      sqs: poller,
      queueUrl: QueueUrl!,
      queueArn: `arn:aws:sqs:us-east-1:000000000000:${queueName}`,
      batchSize: 10,
      batchWindowMs: 50,
      concurrency: 2,
      reportBatchItemFailures: true,
      timeoutMs: 5000,
      handler: async (event: SQSEvent) =>
        void batches.push({ ids: event.Records.map((r) => r.messageId), at: Date.now() }),
    });
    const clients = [poller];
    return {
      queueUrl: QueueUrl!,
      batches,
      source,
      clients,
      close: () => {
        for (const client of clients) client.destroy();
      },
    };
  }

  it('hands a lone message to the function at once, not after a long poll, and each message once', async () => {
    // given a running mapping on an empty queue (its pollers waiting for a first message)
    const mapping = await mappingOn(`lone-${Date.now()}`);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      // when messages arrive one at a time
      const latencies: number[] = [];
      for (let i = 0; i < 4; i++) {
        const sent = Date.now();
        const { MessageId } = await sqs.send(
          new SendMessageCommand({ QueueUrl: mapping.queueUrl, MessageBody: `m${i}` }),
        );
        const batch = await waitFor(
          async () => mapping.batches.find((b) => b.ids.includes(MessageId!)),
          5000,
          `message ${i}`,
        );
        latencies.push(batch.at - sent);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      // then each reached the function well within one long poll's wait
      for (const ms of latencies)
        assert.ok(ms < (FIRST_MESSAGE_WAIT_SECONDS * 1000) / 2, `delivered after ${latencies.join(', ')} ms`);
      const ids = mapping.batches.flatMap((b) => b.ids);
      assert.equal(new Set(ids).size, ids.length, 'no message handed out twice');
      await waitFor(async () => (mapping.source.stats.deleted === 4 ? true : undefined), 3000, 'deletes');
    } finally {
      await mapping.source.stop();
      mapping.close();
    }
  });

  it('drains a backlog in full batches, each message once, and stops within one long poll leaving later messages on the queue', async () => {
    // given 25 messages waiting
    const mapping = await mappingOn(`backlog-${Date.now()}`);
    try {
      await mapping.source.stop(); // started empty-handed; restarted below with the backlog in place
      const sent: string[] = [];
      for (let i = 0; i < 25; i += 5) {
        const { Successful = [] } = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: mapping.queueUrl,
            Entries: Array.from({ length: 5 }, (_, j) => ({ Id: String(j), MessageBody: `b${i + j}` })),
          }),
        );
        sent.push(...Successful.map((s) => s.MessageId!));
      }
      // when a mapping runs on it
      const poller = pollerSqs(emulator.endpoint, STACK_CREDENTIALS);
      mapping.clients.push(poller);
      const again = startSqsEventSource({
        sqs: poller,
        queueUrl: mapping.queueUrl,
        queueArn: 'arn:aws:sqs:us-east-1:000000000000:backlog',
        batchSize: 10,
        batchWindowMs: 50,
        concurrency: 1,
        reportBatchItemFailures: true,
        timeoutMs: 5000,
        handler: async (event: SQSEvent) =>
          void mapping.batches.push({ ids: event.Records.map((r) => r.messageId), at: Date.now() }),
      });
      await waitFor(async () => (again.stats.deleted === 25 ? true : undefined), 10_000, 'backlog drained');
      // then every message came once, in batches of 10, 10 and 5
      const ids = mapping.batches.flatMap((b) => b.ids);
      assert.deepEqual([...ids].sort(), [...sent].sort());
      assert.deepEqual(
        mapping.batches.map((b) => b.ids.length),
        [10, 10, 5],
      );
      // and stopping waits out at most one long poll
      const stopping = Date.now();
      await again.stop();
      assert.ok(
        Date.now() - stopping < FIRST_MESSAGE_WAIT_SECONDS * 1000 + 1000,
        `stopped after ${Date.now() - stopping} ms`,
      );
      // and a message sent after the stop is left for the next consumer: no receive of the stopped mapping took it
      await sqs.send(new SendMessageCommand({ QueueUrl: mapping.queueUrl, MessageBody: 'after stop' }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: mapping.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      assert.deepEqual(
        Messages.map((m) => m.Body),
        ['after stop'],
      );
    } finally {
      mapping.close();
    }
  });
});
