import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EventSource } from '../local/sqs-event-source';

interface ProgressSample {
  /** Seconds since the run started sending. */
  t: number;
  sent: number;
  /** The queue as SQS reports it: waiting, and held by an invocation (or by a killed one, until its timeout). */
  visible: number;
  inFlight: number;
  /** Messages the worker's event source deleted so far (applied or dead-lettered). */
  deleted: number;
  /** Copy jobs the recordings copier finished (copied, already there, or dead-lettered). */
  copies: number;
  kills: number;
  /** The machine's one-minute load average (other work shares it). */
  load: number;
  /** The harness's own event loop (gateway, sender, fault proxies): its p99 delay over the interval, ms. */
  loopP99Ms: number;
}

/**
 * Every `everyMs`, what has been sent, what the queue holds and what the worker has finished: where a run's time goes
 * (sending, or the worker's backlog). Read straight from the emulator; logged and kept in the run's results (chaos/results/latest.json).
 */
export function startProgress(
  sqs: SQSClient,
  queueUrl: string,
  state: { sent(): number; kills(): number; worker: EventSource; copier: EventSource },
  log: (line: string) => void,
  everyMs = 15_000,
) {
  const start = Date.now();
  const samples: ProgressSample[] = [];
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const sample = async () => {
    const { Attributes = {} } = await sqs
      .send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      )
      .catch(() => ({ Attributes: undefined }));
    const s: ProgressSample = {
      t: Math.round((Date.now() - start) / 1000),
      sent: state.sent(),
      visible: Number(Attributes.ApproximateNumberOfMessages ?? -1),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? -1),
      deleted: state.worker.stats.deleted,
      copies: state.copier.stats.deleted,
      kills: state.kills(),
      load: Math.round(loadavg()[0]! * 10) / 10,
      loopP99Ms: Math.round(loop.percentile(99) / 1e6),
    };
    loop.reset();
    samples.push(s);
    log(
      `  ${String(s.t).padStart(4)} s: sent ${s.sent}, queue ${s.visible} waiting + ${s.inFlight} in flight, worker done ${s.deleted}, copies done ${s.copies}, ${s.kills} kills, load ${s.load}, loop p99 ${s.loopP99Ms} ms`,
    );
  };
  const timer = setInterval(() => void sample(), everyMs);
  timer.unref();
  return {
    samples,
    stop: () => {
      clearInterval(timer);
      loop.disable();
    },
  };
}
