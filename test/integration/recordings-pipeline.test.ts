import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { STACK_CREDENTIALS } from '../../local/local-credentials';
import { startRecordingServer, type RecordingServer } from '../helpers/recording-server';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { videoDelivery } from '../helpers/video-events';
import { waitFor } from '../helpers/wait';

/**
 * A completed recording, end to end on the local stack: the webhook -> the worker queues a copy job -> the recordings
 * function streams it from the recording server into the stage's bucket (s3rver behind the SigV4 front) -> `rooms
 * show` and `recordings get` see it; delivered again, it is not copied again; a 404 ends in the recordings DLQ with its
 * reason.
 */
describe('recordings pipeline (webhook -> worker -> recordings queue -> copier -> S3, local stack)', () => {
  let stack: TestStack;
  let server: RecordingServer;
  before(async () => {
    [stack, server] = await Promise.all([startTestStack(), startRecordingServer()]);
  });
  after(async () => {
    await Promise.all([stack?.stop(), server?.close()]);
  });

  const completed = (session: string, recording: string, url: string) =>
    videoDelivery(
      stack.url,
      session,
      { type: 'recording.completed', recording, url, duration: 12, at: new Date().toISOString() },
      'flat',
    ).then((response) => assert.equal(response.status, 200));

  it('copies a completed recording once, however often it is delivered', async () => {
    const recording = server.add('pipe.mp4', 6 * 1024 * 1024);
    await Promise.all(Array.from({ length: 3 }, () => completed('rs-pipe', 'rec-pipe', recording.url)));
    const copy = await waitFor(
      async () => {
        const { json } = await stack.cli(['recordings', 'get', 'rec-pipe']);
        return json?.sha256 === recording.sha256 ? json : undefined;
      },
      30_000,
      'the copy of rec-pipe',
    );
    assert.equal(copy.s3_key, 'recordings/rs-pipe/rec-pipe.mp4');
    assert.equal(copy.size, recording.size);
    const room = (await stack.cli(['rooms', 'show', 'rs-pipe'])).json;
    assert.equal(room.recordings[0].s3_key, 'recordings/rs-pipe/rec-pipe.mp4');
    // Delivered again later: filed again, never downloaded again.
    await completed('rs-pipe', 'rec-pipe', recording.url);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(server.completed, 1, 'downloaded whole exactly once');
    const bytes = Buffer.from(await (await fetch(copy.url)).arrayBuffer());
    assert.equal(bytes.length, recording.size);
  });

  it('dead-letters a recording its URL does not have (404) with the reason', async () => {
    await completed('rs-gone', 'rec-gone', `${server.url}/recordings/gone.mp4`);
    const sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: 'us-east-1', credentials: STACK_CREDENTIALS });
    try {
      const letter = await waitFor(
        async () => {
          const { Messages } = await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: stack.recordingsDeadLetterQueueUrl,
              MessageAttributeNames: ['All'],
              WaitTimeSeconds: 1,
            }),
          );
          return Messages?.find((m) => m.Body?.includes('rec-gone'));
        },
        30_000,
        'the dead letter of rec-gone',
      );
      assert.match(
        letter.MessageAttributes?.failure_reason?.StringValue ?? '',
        /rec-gone not found at its URL \(HTTP 404\)/,
      );
      assert.equal(letter.MessageAttributes?.failure_category?.StringValue, 'invalid');
    } finally {
      sqs.destroy();
    }
  });
});
