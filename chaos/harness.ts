import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ProcessEventSource } from '../local/event-source-process';
import { startLocalStack } from '../local/stack';
import { FAULT_KINDS, type FaultRates } from './fault-proxy';
import { checkOracle, type ChaosResults } from './oracle/check';
import { readDeadLetters, readRooms, readTable, waitForDrain } from './oracle/read-state';
import { buildScenario } from './scenario';
import { seededRandom } from './scenario/delivery';
import { startProgress } from './progress';
import { sendAll } from './sender';
import { startDependencies } from './stand-ins';
import { startWorkerKiller } from './worker-killer';

export interface ChaosOptions {
  total: number;
  seed: number;
  concurrency: number;
  rates: FaultRates;
  latencyMs: number;
  /** A SIGKILL of the worker process every this many ms (uniformly in the range); [0, 0] for none. */
  killEveryMs: [number, number];
  /** Harness timing, through the local stack's config and the functions' settings (docs/testing.md, chaos run). */
  visibilityTimeoutSeconds: number;
  workerTimeoutMs: number;
  replyLeaseSeconds: number;
  drainTimeoutMs: number;
  /** How often the run logs what is sent, queued and done (chaos/progress.ts). */
  progressEveryMs?: number;
  /** Stop killing the worker once every delivery is sent (quicker), instead of once the queue first drains. */
  killsEndWithSending?: boolean;
  log(line: string): void;
}

const SIGNING_KEY = 'PSK_chaos_signing_key';

/** One chaos run against the local stack: start, send, kill, drain, read back, judge. */
export async function runChaos(options: ChaosOptions): Promise<ChaosResults> {
  const started = Date.now();
  let stackErrors = 0;
  const deps = await startDependencies({
    rates: options.rates,
    latencyMs: options.latencyMs,
    seed: options.seed ^ 0x5eed,
  });
  const stack = await startLocalStack({
    port: 0,
    queueAttributes: { VisibilityTimeout: String(options.visibilityTimeoutSeconds) },
    batchWindowMs: 100,
    eventSourceProcesses: true,
    onError: (error) => {
      stackErrors++;
      if (process.env.CHAOS_LOG_LEVEL) options.log(`local stack: ${String(error).slice(0, 300)}`);
    },
    eventSourceTimeoutMs: options.workerTimeoutMs,
    // The functions reach SQS, DynamoDB, SSM and SNS through fault proxies (queue URLs included); the oracle goes direct.
    functionEndpoint: deps.functionEndpoint,
    environment: {
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'silent',
      // A secret: the ingest reads it from the SSM stand-in, through its fault proxy.
      SIGNALWIRE_SIGNING_KEY: SIGNING_KEY,
      // The API's timeout and the claims' lease scaled down with the visibility timeout: the lease still outlasts
      // the worker's timeout, as in serverless.yml (docs/testing.md, chaos run explains the arithmetic).
      SIGNALWIRE_TIMEOUT_MS: '1500',
      REPLY_LEASE_SECONDS: String(options.replyLeaseSeconds),
      ...deps.environment,
    },
  });
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  // The oracle's own clients go straight to the emulators: it must read what is there, not what the proxy lets through.
  const sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: 'us-east-1', credentials, md5: false });
  const dynamodb = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1', credentials });
  const worker = stack.eventSources[0] as ProcessEventSource;
  const killer = startWorkerKiller(worker, options.killEveryMs, seededRandom(options.seed ^ 0xdead));
  try {
    const scenario = buildScenario({ total: options.total, seed: options.seed });
    options.log(
      `sending ${scenario.sends.length} deliveries (seed ${options.seed}) to ${stack.url}, worker pid ${worker.pid}`,
    );
    let sent = 0;
    const progress = startProgress(
      sqs,
      stack.queueUrl,
      { sent: () => sent, kills: () => killer.kills, worker },
      options.log,
      options.progressEveryMs,
    );
    const sendStart = Date.now();
    const results = await sendAll(scenario.sends, {
      baseUrl: stack.url,
      signingKey: SIGNING_KEY,
      concurrency: options.concurrency,
      onProgress: (done) => {
        sent = done;
      },
    });
    const sendSeconds = (Date.now() - sendStart) / 1000;
    if (options.killsEndWithSending) await killer.stop();
    options.log(`sent in ${sendSeconds.toFixed(1)} s; draining the queue`);
    const drain = await waitForDrain(
      sqs,
      stack.queueUrl,
      options.drainTimeoutMs,
      () => killer.stop(),
      process.env.CHAOS_LOG_LEVEL ? options.log : undefined,
    );
    await killer.stop();
    progress.stop();
    options.log(
      `drained: ${drain.drained ? 'yes' : `NO, ${drain.remaining} left`} after ${(drain.ms / 1000).toFixed(1)} s`,
    );
    // Nothing may change while the oracle reads: a run that did not drain has a worker still applying, and a reply
    // sent after the table was read would look like a reply to nothing.
    await worker.stop();
    const sessions = new Set(
      scenario.sends.flatMap((d) => (d.effect.kind === 'video' ? [d.effect.roomSessionId] : [])),
    );
    const [items, rooms, deadLetters] = await Promise.all([
      readTable(dynamodb, stack.tableName),
      readRooms(dynamodb, stack.tableName, sessions),
      readDeadLetters(sqs, stack.deadLetterQueueUrl),
    ]);
    const counts = await deps.faultCounts();
    const faults: Record<string, number> = Object.fromEntries(
      FAULT_KINDS.map((k) => [k, Object.values(counts).reduce((n, c) => n + c[k], 0)]),
    );
    faults.worker_killed = killer.kills;
    return checkOracle({
      results,
      calls: scenario.calls,
      items,
      rooms,
      deadLetters,
      created: deps.signalwire.created,
      published: deps.published,
      drained: drain.drained,
      durationSeconds: (Date.now() - started) / 1000,
      sendSeconds,
      drainSeconds: drain.ms / 1000,
      faults,
      faultsByTarget: counts,
      progress: progress.samples,
      workerStats: { ...worker.stats, timeout_exits: worker.exits, event_source_errors: stackErrors },
    });
  } finally {
    await killer.stop();
    sqs.destroy();
    dynamodb.destroy();
    await stack.stop();
    await deps.close();
  }
}
