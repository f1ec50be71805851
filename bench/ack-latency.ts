/**
 * What the ack costs beyond SQS: the real ingest handler (functions/ingest.ts: its SDK SQSClient, signature check on)
 * against the local SQS emulator, versus a bare SDK SendMessage (an SQSClient with the SDK's defaults) of the same
 * message body to the same emulator, interleaved one request at a time (A B, B A, ...) in the same run. Reports p50
 * and p99 of each and their ratios. `npm run bench:ack` (PAIRS=2000)
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { receiveWebhook } from '../lib/ingest/receive-webhook';
import { queuedMessageBody } from '../lib/queue/webhook-queue';
import { toWebhookRequest } from '../lib/http/webhook-request';
import { startBenchEmulators } from './lib/emulators';
import { eventFor, ingestFixtures, SAMPLE_SIGNING_KEY, sampleBaseUrl } from './lib/fixtures';
import { emitMetrics, percentile, round } from './lib/metrics';

const PAIRS = Number(process.env.PAIRS ?? 2000);
const emulators = await startBenchEmulators();
try {
  Object.assign(process.env, emulators.env, {
    QUEUE_URL: emulators.queueUrl,
    STAGE: 'bench',
    SIGNALWIRE_SIGNING_KEY: SAMPLE_SIGNING_KEY,
    // The samples are signed for their API Gateway URL: the ingest checks that one first.
    WEBHOOK_PUBLIC_BASE_URL: sampleBaseUrl(),
  });
  const { handler } = (await import('../functions/ingest')) as {
    handler: (event: APIGatewayProxyEventV2) => Promise<{ statusCode?: number }>;
  };
  // Region, credentials and endpoint from the environment, as the ingest's own client; every other setting the SDK's.
  const bare = new SQSClient({});

  // Per sample: its event, and the exact message body the ingest queues for it (same size, same escaping).
  const cases = await Promise.all(
    ingestFixtures().map(async (fixture) => {
      const event = eventFor(fixture);
      let body = '';
      await receiveWebhook(toWebhookRequest(event), {
        enqueue: async (text) => {
          body = queuedMessageBody(text) ?? text;
        },
      });
      return { event, body };
    }),
  );
  const ingest = async (i: number) => {
    const { statusCode } = await handler(cases[i % cases.length]!.event);
    if (statusCode !== 200) throw new Error(`ingest answered ${statusCode}`);
  };
  const sendBare = (i: number) =>
    bare.send(new SendMessageCommand({ QueueUrl: emulators.queueUrl, MessageBody: cases[i % cases.length]!.body }));
  const timed = async (fn: () => Promise<unknown>) => {
    const start = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };

  // Warm up: JIT, sockets, credentials (the signing key is in the environment: the ingest reads no SSM).
  for (let i = 0; i < 300; i++) await Promise.all([ingest(i), sendBare(i)]);
  const ingestMs: number[] = [];
  const bareMs: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    if (i % 2 === 0) {
      ingestMs.push(await timed(() => ingest(i)));
      bareMs.push(await timed(() => sendBare(i)));
    } else {
      bareMs.push(await timed(() => sendBare(i)));
      ingestMs.push(await timed(() => ingest(i)));
    }
  }
  bare.destroy();
  const [i50, i99, b50, b99] = [
    percentile(ingestMs, 50),
    percentile(ingestMs, 99),
    percentile(bareMs, 50),
    percentile(bareMs, 99),
  ];
  console.log(`ingest handler (signature, envelope, SendMessage): p50 ${i50.toFixed(3)} ms, p99 ${i99.toFixed(3)} ms`);
  console.log(`bare SendMessage of the same body:                  p50 ${b50.toFixed(3)} ms, p99 ${b99.toFixed(3)} ms`);
  console.log(
    `ratio: p50 ${(i50 / b50).toFixed(3)}x, p99 ${(i99 / b99).toFixed(3)}x (${PAIRS} interleaved pairs, ${cases.length} sample shapes)`,
  );
  emitMetrics({
    ack_p99_ratio: {
      value: round(i99 / b99, 3),
      unit: 'x bare SendMessage',
      budget: '<= 1.2',
      note: `p99 ${round(i99, 3)} ms vs ${round(b99, 3)} ms (bare: SendMessage on new SQSClient({})), ${PAIRS} interleaved pairs`,
    },
    ack_p50_ratio: {
      value: round(i50 / b50, 3),
      unit: 'x bare SendMessage',
      budget: '',
      note: `p50 ${round(i50, 3)} ms vs ${round(b50, 3)} ms`,
    },
    ack_p99_ms: { value: round(i99, 3), unit: 'ms', budget: '', note: 'ingest handler against the local SQS emulator' },
  });
} finally {
  await emulators.stop();
}
