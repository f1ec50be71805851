/**
 * The ingest's own CPU per webhook, signature check on: the handler's path (event -> request, verify, parse, wrap,
 * serialize, response) for every sample delivery, with the SQS client stubbed so only our code is measured.
 * Shapes are interleaved over ROUNDS; each shape's figure is its median round, the headline the median over shapes.
 * `npm run bench:ingest`
 */
import { jsonResponse } from '../lib/http/responses';
import { authenticatorFromEnv } from '../lib/security/authenticate';
import { receiveWebhook } from '../lib/ingest/receive-webhook';
import { toWebhookRequest } from '../lib/http/webhook-request';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { webhookQueueOver } from '../lib/queue/webhook-queue';
import { eventFor, ingestFixtures, SAMPLE_SIGNING_KEY } from './lib/fixtures';
import { emitMetrics, median, round } from './lib/metrics';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const ITERATIONS = Number(process.env.ITERATIONS ?? 4_000);

// The ingest's SQS client (its SendMessage, lib/aws/sqs-send-message.ts) answers at once: our queue adapter runs,
// nothing leaves the process.
const stubSendMessage = async (): Promise<void> => undefined;
const queue = webhookQueueOver(stubSendMessage, 'https://sqs.us-east-1.amazonaws.com/000000000000/bench');
// Verified as on Lambda: the URL is rebuilt from the request context, the key is the samples' one.
const authenticate = authenticatorFromEnv(
  { AWS_LAMBDA_FUNCTION_NAME: 'bench', SIGNALWIRE_SIGNING_KEY: SAMPLE_SIGNING_KEY },
  { log: createLogger({}, 'silent'), metrics: createMetrics({ write: () => undefined }) },
);
const deps = { enqueue: queue.send, authenticate };

const cases = ingestFixtures().map((fixture) => ({ name: fixture.name, event: eventFor(fixture), cpuUs: [] as number[] }));

async function runOnce(event: (typeof cases)[number]['event'], iterations: number): Promise<number> {
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < iterations; i++) {
    const envelope = await receiveWebhook(toWebhookRequest(event), deps);
    jsonResponse(200, { status: 'received', event_id: envelope.event_id });
  }
  const cpu = process.cpuUsage(cpuStart);
  return (cpu.user + cpu.system) / iterations;
}

for (const c of cases) await runOnce(c.event, 2_000); // warm up the JIT on every shape, and fail fast on a refusal
for (let round = 0; round < ROUNDS; round++) for (const c of cases) c.cpuUs.push(await runOnce(c.event, ITERATIONS));

for (const c of cases) console.log(`${c.name.padEnd(34)} ${median(c.cpuUs).toFixed(2)} µs CPU/webhook (median of ${ROUNDS} rounds)`);
const overall = median(cases.map((c) => median(c.cpuUs)));
console.log(`median over ${cases.length} shapes: ${overall.toFixed(2)} µs CPU/webhook, signature checked`);
emitMetrics({ ingest_cpu_us: { value: round(overall), unit: 'µs/webhook', budget: '<= 10', note: `median over ${cases.length} sample shapes, signature on, SQS stubbed` } });
