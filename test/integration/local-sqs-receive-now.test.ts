import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSqs, type Emulator } from '../../local/emulators';
import { pollerSqs } from '../../local/sqs-event-source';

type Received = { Messages?: { MessageId: string; ReceiptHandle: string; Body: string }[] };

/**
 * The SQS emulator's receive, with local/sqs-receive-now.mjs (the emulator's first look at the queue made at once
 * instead of on its 10 ms tick): it must hand out exactly what it did before, only sooner.
 */
describe('SQS emulator: a receive is answered at once when messages are waiting (local/sqs-receive-now.mjs)', () => {
  const emulators: Emulator[] = [];
  after(async () => {
    await Promise.all(emulators.map((e) => e.stop()));
  });

  async function queueOf(receiveNow: 'on' | 'off', messages: number) {
    const emulator = await startSqs({ receiveNow });
    emulators.push(emulator);
    const sqs = pollerSqs(emulator.endpoint, { accessKeyId: 'local', secretAccessKey: 'local' });
    const { QueueUrl } = (await sqs('CreateQueue', { QueueName: 'q', Attributes: { VisibilityTimeout: '30' } })) as { QueueUrl: string };
    for (let i = 0; i < messages; i += 10) {
      const entries = Array.from({ length: Math.min(10, messages - i) }, (_, j) => ({ Id: String(j), MessageBody: `m-${i + j}` }));
      await sqs('SendMessageBatch', { QueueUrl, Entries: entries });
    }
    const receive = async (max: number) => ((await sqs('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: 0 })) as Received).Messages ?? [];
    return { sqs, QueueUrl, receive };
  }

  let fast: Awaited<ReturnType<typeof queueOf>>;
  before(async () => {
    fast = await queueOf('on', 25);
  });

  it('hands each message out once, a full batch at a time, then the rest, then nothing', async () => {
    const batches = [await fast.receive(10), await fast.receive(10), await fast.receive(10), await fast.receive(10)];
    assert.deepEqual(batches.map((b) => b.length), [10, 10, 5, 0]);
    const bodies = batches.flat().map((m) => m.Body);
    assert.equal(new Set(bodies).size, 25, 'no message handed out twice');
    assert.deepEqual([...bodies].sort(), Array.from({ length: 25 }, (_, i) => `m-${i}`).sort());
  });

  it('answers a receive of waiting messages without the emulator 10 ms tick (median of 20, against the tick alone)', async () => {
    const timed = async (queue: Awaited<ReturnType<typeof queueOf>>) => {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        const got = await queue.receive(10);
        times.push(performance.now() - started);
        assert.equal(got.length, 10);
      }
      return times.sort((a, b) => a - b)[10]!;
    };
    const slow = await queueOf('off', 200);
    const now = await queueOf('on', 200);
    const [withTick, withoutTick] = [await timed(slow), await timed(now)];
    // Without the change no receive can answer before the first 10 ms tick.
    assert.ok(withTick >= 10, `the emulator alone: ${withTick.toFixed(1)} ms`);
    assert.ok(withoutTick < withTick && withoutTick < 10, `with the change: ${withoutTick.toFixed(1)} ms (alone: ${withTick.toFixed(1)} ms)`);
  });
});
