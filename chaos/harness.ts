import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ProcessEventSource } from '../local/event-source-process';
import { startLocalStack } from '../local/stack';
import { FAULT_KINDS, type FaultRates } from './fault-proxy';
import { checkOracle, type ChaosResults } from './oracle/check';
import { readBucket, readDeadLetters, readRooms, readTable, waitForDrain } from './oracle/read-state';
import { buildScenario } from './scenario';
import { seededRandom } from './scenario/delivery';
import { startProgress } from './progress';
import { startReconcilerRuns } from './reconciler-runs';
import { type RestorationWatch, watchRestoration } from './restoration';
import { sendAll } from './sender';
import { startSignalWireTruth } from './signalwire-truth';
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
  /** Share of call and message status deliveries SignalWire gives up on (never posted); the reconciler restores them. */
  dropRate: number;
  /** The reconciler's schedule: a run this often (windows 0: every open record is asked about at once). */
  reconcileEveryMs: number;
  /** SignalWire prices a call or message this long (a share of the range per record) after it knows its end. */
  priceAfterMs: [number, number];
  /** Share of the recording downloads the recording server cuts part-way (beside its fault proxy's faults). */
  recordingCutRate: number;
  /** After the queue drained, how long the records may take to be all restored before the oracle reads them. */
  restoreTimeoutMs?: number;
  /** How often the run logs what is sent, queued and done (chaos/progress.ts). */
  progressEveryMs?: number;
  /** Stop killing the worker once every delivery is sent (quicker), instead of once the queue first drains. */
  killsEndWithSending?: boolean;
  log(line: string): void;
}

const SIGNING_KEY = 'PSK_chaos_signing_key';
/** The run's destination: every event type, signed with this secret (served from SSM, as deployed). */
const DESTINATION = 'chaos';
const DESTINATION_SECRET = `whsec_${Buffer.from('chaos-destination-signing-secret-32b').toString('base64')}`;
/** Messages in the queue beyond which no reconciler run starts: about half a minute of the worker's work. */
const BUSY_QUEUE = 2000;

/** One chaos run against the local stack: start, send, kill, drain, read back, judge. */
export async function runChaos(options: ChaosOptions): Promise<ChaosResults> {
  const started = Date.now();
  let stackErrors = 0;
  const deps = await startDependencies({
    rates: options.rates,
    latencyMs: options.latencyMs,
    seed: options.seed ^ 0x5eed,
    cutRate: options.recordingCutRate,
  });
  const stack = await startLocalStack({
    port: 0,
    ssmParameters: { [`/signalwire-webhooks/local/destinations/${DESTINATION}`]: DESTINATION_SECRET },
    queueAttributes: { VisibilityTimeout: String(options.visibilityTimeoutSeconds) },
    batchWindowMs: 100,
    eventSourceProcesses: true,
    onError: (error) => {
      stackErrors++;
      if (process.env.CHAOS_LOG_LEVEL) options.log(`local stack: ${String(error).slice(0, 300)}`);
    },
    eventSourceTimeoutMs: options.workerTimeoutMs,
    // The functions reach SQS, DynamoDB, SSM, SNS and S3 through fault proxies (queue URLs included), the copier the
    // recording server through its own; the oracle goes direct.
    functionEndpoint: deps.functionEndpoint,
    environment: {
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'silent',
      // A secret: the ingest reads it from the SSM stand-in, through its fault proxy.
      SIGNALWIRE_SIGNING_KEY: SIGNING_KEY,
      // The API's timeout and the claims' lease scaled down with the visibility timeout: the lease still outlasts
      // the worker's timeout, as in serverless.yml (docs/testing.md, chaos run explains the arithmetic).
      SIGNALWIRE_TIMEOUT_MS: '1500',
      REPLY_LEASE_SECONDS: String(options.replyLeaseSeconds),
      // The copier's claims likewise: its timeout is the worker's here, so its lease is the replies' (960 s deployed).
      COPY_LEASE_SECONDS: String(options.replyLeaseSeconds),
      // The reconciler asks about every open record on each run, however recent its last change.
      RECONCILE_CALL_WINDOW_MINUTES: '0',
      RECONCILE_MESSAGE_WINDOW_MINUTES: '0',
      // Runs come seconds to a minute apart, each with every record opened meanwhile to ask about.
      RECONCILE_MAX_REQUESTS: '2000',
      RECONCILE_CONCURRENCY: '8',
      // Every event also goes to a destination behind its fault proxy; its retries back off from 1 s up to 4 s here
      // (a minute up to 6 hours deployed), each attempt waiting at most 2 s for an answer.
      DESTINATIONS: JSON.stringify([{ name: DESTINATION, url: `${deps.proxies.destination}/hooks` }]),
      DELIVER_RETRY_BASE_SECONDS: '1',
      DELIVER_RETRY_CAP_SECONDS: '4',
      DELIVER_TIMEOUT_MS: '2000',
      ...deps.environment,
    },
  });
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  // The oracle's own clients go straight to the emulators: it must read what is there, not what the proxy lets through.
  const sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: 'us-east-1', credentials, md5: false });
  const dynamodb = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1', credentials });
  const s3 = new S3Client({ endpoint: stack.s3Endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
  // serverless.yml's SQS-fed functions, in its order: the worker, then the recordings copier.
  const worker = stack.eventSources[0] as ProcessEventSource;
  const copier = stack.eventSources[1] as ProcessEventSource;
  const deliverer = stack.eventSources[2] as ProcessEventSource;
  // The oracle reads the destinations' queues direct, not through the functions' SQS proxy.
  const direct = (url: string) => stack.sqsEndpoint + new URL(url).pathname;
  const destinationsQueueUrl = direct(stack.environments.deliver!.QUEUE_URL!);
  const destinationsDlqUrl = direct(stack.environments.deliver!.DLQ_URL!);
  const killer = startWorkerKiller(worker, options.killEveryMs, seededRandom(options.seed ^ 0xdead));
  const scenario = buildScenario({
    total: options.total,
    seed: options.seed,
    dropRate: options.dropRate,
    recordingsUrl: deps.proxies.recordings,
  });
  // The recording server holds every recording but the missing ones (their URLs answer 404).
  const recordingPlans = scenario.recordings.map((plan) =>
    plan.missing ? plan : { ...plan, sha256: deps.recordingServer.add(plan.name, plan.size).sha256 },
  );
  const truth = startSignalWireTruth(deps.signalwire, scenario, {
    seed: options.seed,
    priceAfterMs: options.priceAfterMs,
  });
  // With windows 0 a run asks about every open record, and would report again each one whose report still waits in
  // the queue behind the backlog, where the deployed windows (10 and 15 minutes) leave a report time to be applied.
  // So a tick is skipped while the queue is busy (BUSY_QUEUE), and until the worker has taken what the queue held
  // when the last run that reported ended (unless the queue is nearly empty). Every third run starts with two 429s
  // (Retry-After: 1) from the stand-in itself, beyond the fault proxy's throttling.
  let consumedMark = 0;
  const reconciler = startReconcilerRuns(stack, {
    everyMs: options.reconcileEveryMs,
    hold: async () => {
      const depth = await queueDepth(sqs, stack.queueUrl);
      return depth > BUSY_QUEUE || (worker.stats.deleted < consumedMark && depth > 100);
    },
    afterRun: async (report) => {
      if (report.changes.length > 0) consumedMark = worker.stats.deleted + (await queueDepth(sqs, stack.queueUrl));
    },
    beforeRun: (run) => {
      if (run % 3 === 0) deps.signalwire.rateLimitNext(2, 1);
    },
  });
  let restoration: RestorationWatch | undefined;
  try {
    options.log(
      `sending ${scenario.sends.length} deliveries (seed ${options.seed}) to ${stack.url}, worker pid ${worker.pid}`,
    );
    let sent = 0;
    const progress = startProgress(
      sqs,
      stack.queueUrl,
      { sent: () => sent, kills: () => killer.kills, worker, copier },
      options.log,
      options.progressEveryMs,
    );
    const sendStart = Date.now();
    const results = await sendAll(scenario.sends, {
      baseUrl: stack.url,
      signingKey: SIGNING_KEY,
      concurrency: options.concurrency,
      dropped: scenario.dropped,
      onSend: truth.onSend,
      onProgress: (done) => {
        sent = done;
      },
    });
    const sendSeconds = (Date.now() - sendStart) / 1000;
    // From now on, every call and message something of which was acknowledged must end up as SignalWire has it.
    const acknowledged = new Set(
      results.flatMap((r) =>
        !r.acked
          ? []
          : r.delivery.effect.kind === 'call'
            ? [r.delivery.effect.callId]
            : r.delivery.effect.kind === 'status'
              ? [r.delivery.effect.messageId]
              : [],
      ),
    );
    // Not all restored while the queue is too busy for a reconciler run: no reading then, sparing the emulator.
    restoration = watchRestoration(dynamodb, stack.tableName, scenario, (id) => acknowledged.has(id), {
      wait: async () => (await queueDepth(sqs, stack.queueUrl)) > BUSY_QUEUE,
    });
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
    options.log(
      `drained: ${drain.drained ? 'yes' : `NO, ${drain.remaining} left`} after ${(drain.ms / 1000).toFixed(1)} s`,
    );
    restoration.setDeadline(Date.now() + (options.restoreTimeoutMs ?? 120_000));
    const restoredAt = await restoration.done;
    const lastDropAt = truth.lastDropAt ?? sendStart;
    const restoredAfterLastDropSeconds = restoredAt === undefined ? null : (restoredAt - lastDropAt) / 1000;
    options.log(
      restoredAt === undefined
        ? `restored: NO, ${restoration.pending} records not in SignalWire's final state`
        : `restored: every call and message as SignalWire has it, ${restoredAfterLastDropSeconds!.toFixed(1)} s after the last drop`,
    );
    // No run after this one; what was queued by then is applied before the oracle reads (a report the run under way
    // queues later finds the worker stopped: every record is restored already).
    const stopping = reconciler.stop();
    truth.stop();
    // The copies the worker asked for are waited for meanwhile (the copier has been at them since the first one).
    const [settled] = await Promise.all([
      waitForDrain(sqs, stack.queueUrl, options.drainTimeoutMs, () => undefined),
      waitForDrain(sqs, stack.recordingsQueueUrl, options.drainTimeoutMs, () => undefined),
    ]);
    progress.stop();
    // Nothing may change while the oracle reads: a run that did not drain has a worker still applying, and a reply
    // sent after the table was read would look like a reply to nothing.
    await worker.stop();
    // Every copy the worker asked for is done, or dead-lettered, before the copier stops and the oracle reads: with the
    // worker stopped, nothing waiting or in flight on the recordings queue is enough (a copy under way is in flight).
    const copies = await waitForDrain(
      sqs,
      stack.recordingsQueueUrl,
      options.drainTimeoutMs,
      () => undefined,
      undefined,
      1,
    );
    deps.stopCuts();
    await copier.stop();
    // Every event's destination job delivered, or dead-lettered, before the oracle reads the destination's requests.
    const deliveries = await waitForDrain(
      sqs,
      destinationsQueueUrl,
      options.drainTimeoutMs,
      () => undefined,
      undefined,
      1,
    );
    await deliverer.stop();
    options.log(
      `destination: ${deliveries.drained ? 'every job delivered or dead-lettered' : `NOT drained, ${deliveries.remaining} left`}, ${deps.destination.received.length} requests received`,
    );
    options.log(
      `recordings: ${copies.drained ? 'all copied or dead-lettered' : `NOT drained, ${copies.remaining} left`}, ${copier.stats.deleted} copy jobs done, ${deps.recordingServer.started} downloads (${deps.recordingServer.cut} cut)`,
    );
    const sessions = new Set(
      scenario.sends.flatMap((d) => (d.effect.kind === 'video' ? [d.effect.roomSessionId] : [])),
    );
    const [items, rooms, deadLetters, objects, recordingDeadLetters, destinationDeadLetters] = await Promise.all([
      readTable(dynamodb, stack.tableName),
      readRooms(dynamodb, stack.tableName, sessions),
      readDeadLetters(sqs, stack.deadLetterQueueUrl),
      readBucket(s3, stack.recordingsBucket, 'recordings/'),
      readDeadLetters(sqs, stack.recordingsDeadLetterQueueUrl),
      readDeadLetters(sqs, destinationsDlqUrl),
    ]);
    await stopping;
    const [counts, uploads] = await Promise.all([deps.faultCounts(), deps.uploadCounts()]);
    const faults: Record<string, number> = Object.fromEntries(
      FAULT_KINDS.map((k) => [k, Object.values(counts).reduce((n, c) => n + c[k], 0)]),
    );
    faults.worker_killed = killer.kills;
    return checkOracle({
      results,
      calls: scenario.calls,
      messages: scenario.messages,
      items,
      rooms,
      deadLetters,
      created: deps.signalwire.created,
      published: deps.published,
      busEvents: stack.bus.published(),
      destination: {
        received: deps.destination.received,
        secret: DESTINATION_SECRET,
        deadLetters: destinationDeadLetters,
        drained: deliveries.drained,
      },
      drained: drain.drained && settled.drained,
      durationSeconds: (Date.now() - started) / 1000,
      sendSeconds,
      drainSeconds: drain.ms / 1000,
      faults,
      faultsByTarget: counts,
      progress: progress.samples,
      workerStats: { ...worker.stats, timeout_exits: worker.exits, event_source_errors: stackErrors },
      recordings: {
        plans: recordingPlans,
        bucket: stack.recordingsBucket,
        objects,
        deadLetters: recordingDeadLetters,
        downloads: new Map(scenario.recordings.map((p) => [p.recordingId, deps.recordingServer.downloadsOf(p.name)])),
        server: {
          started: deps.recordingServer.started,
          completed: deps.recordingServer.completed,
          cut: deps.recordingServer.cut,
        },
        uploads,
        drained: copies.drained,
        copier: { ...copier.stats, timeout_exits: copier.exits },
      },
      reconcile: {
        runs: reconciler.summary(),
        standInRateLimited: deps.signalwire.rateLimited,
        restoredAfterLastDropSeconds,
      },
    });
  } finally {
    restoration?.setDeadline(0);
    await reconciler.stop();
    truth.stop();
    await killer.stop();
    sqs.destroy();
    dynamodb.destroy();
    s3.destroy();
    await stack.stop();
    await deps.close();
  }
}

/** Messages in the queue: waiting, and held by an invocation (or a killed one, until their timeout). */
async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}
