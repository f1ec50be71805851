import { Context, type OracleInput } from './context';
import { checkDeadLetters, checkNotifications, checkReplies } from './effect-checks';
import { checkEvents, type DestinationTally, type EventTally } from './event-checks';
import { checkReconciled } from './reconcile-checks';
import { checkRecordings, type RecordingTally } from './recording-checks';
import { checkCalls, checkMessageStatuses, checkNothingLost, checkRooms, checkSwml } from './state-checks';

export type { OracleInput } from './context';

/** chaos/results/latest.json: the keys the issue names first, then the detail behind them. */
export interface ChaosResults {
  /** The scenario's deliveries, duplicates and those the sender gave up on included. */
  sent: number;
  acked: number;
  /** Not acknowledged in 5 tries (the deliveries the sender gave up on before posting are not counted here). */
  rejected: number;
  /** Deliveries SignalWire gave up on (unique; their duplicates too): never posted, never acknowledged. */
  dropped_by_sender: number;
  /** Records with a dropped delivery now in SignalWire's final state, duration and price (the reconciler's work). */
  restored_by_reconciler: number;
  /** From the sender's last give-up until every record was in SignalWire's final state; null if never in the run. */
  restored_after_last_drop_s: number | null;
  lost: number;
  double_applied: number;
  wrong_final_states: number;
  replies_expected: number;
  replies_sent: number;
  dead_lettered: number;
  duration_s: number;
  faults: Record<string, number>;
  /** The scheduled reconciler: its runs, reports and 429s, and the records it restored. */
  reconcile: Record<string, unknown>;
  /**
   * The rooms' recordings, copied to the bucket by the copier through the recording server's and S3's fault proxies:
   * how many completed, were copied (once, whole) or dead-lettered, the downloads and uploads, the faults on the way.
   */
  recordings: RecordingTally & {
    s3_faults: number;
    recording_server_faults: number;
    copier: OracleInput['recordings']['copier'];
  };
  /** The events out: every applied change's event on the bus (through its fault proxy), duplicates counted. */
  events: EventTally & { bus_faults: number; destination: DestinationTally & { faults: number } };
  passed: boolean;
  details: Record<string, unknown>;
  problems: { kind: string; detail: string }[];
}

/** Judges a run from what was sent (the deliveries, their answers) against what the store, DLQ and stand-ins hold. */
export function checkOracle(input: OracleInput): ChaosResults {
  const ctx = new Context(input);
  const deadLetters = checkDeadLetters(
    ctx,
    (input.faults.worker_killed ?? 0) + ((input.workerStats as { timeout_exits?: number }).timeout_exits ?? 0),
  );
  checkNothingLost(ctx);
  checkCalls(ctx);
  checkMessageStatuses(ctx);
  checkRooms(ctx);
  const restoration = checkReconciled(ctx);
  const swmlDocuments = checkSwml(ctx);
  const replies = checkReplies(ctx);
  const notifications = checkNotifications(ctx);
  const recordings = checkRecordings(ctx);
  const events = checkEvents(ctx, input.busEvents);
  const faultsOf = (target: string) =>
    Object.values((input.faultsByTarget as Record<string, Record<string, number>>)[target] ?? {}).reduce(
      (n, c) => n + c,
      0,
    );
  if (!input.drained) ctx.problem('lost', 'the queue did not drain before the deadline: what is left was not checked');
  if (replies.sent !== replies.expected && ctx.counts.double_applied === 0 && ctx.counts.lost === 0) {
    ctx.problem('wrong_final_state', `replies sent ${replies.sent}, expected ${replies.expected}`);
  }
  const acked = input.results.filter((r) => r.acked).length;
  const droppedSends = input.results.filter((r) => r.dropped).length;
  const dropped = new Set(input.results.filter((r) => r.dropped).map((r) => r.delivery.id)).size;
  const restoredAfter = input.reconcile.restoredAfterLastDropSeconds;
  const results: ChaosResults = {
    sent: input.results.length,
    acked,
    rejected: input.results.length - acked - droppedSends,
    dropped_by_sender: dropped,
    restored_by_reconciler: restoration.restored,
    restored_after_last_drop_s: restoredAfter === null ? null : Math.round(restoredAfter * 10) / 10,
    lost: ctx.counts.lost,
    double_applied: ctx.counts.double_applied,
    wrong_final_states: ctx.counts.wrong_final_state,
    replies_expected: replies.expected,
    replies_sent: replies.sent,
    dead_lettered: input.deadLetters.length,
    duration_s: Math.round(input.durationSeconds * 10) / 10,
    faults: input.faults,
    reconcile: {
      dropped_deliveries: dropped,
      dropped_sends: droppedSends,
      ...restoration,
      restored_after_last_drop_s: restoredAfter === null ? null : Math.round(restoredAfter * 10) / 10,
      stand_in_429s: input.reconcile.standInRateLimited,
      ...input.reconcile.runs,
    },
    recordings: {
      ...recordings,
      s3_faults: faultsOf('s3'),
      recording_server_faults: faultsOf('recordings'),
      copier: input.recordings.copier,
    },
    events: {
      ...events,
      bus_faults: faultsOf('events'),
      destination: { ...events.destination, faults: faultsOf('destination') },
    },
    passed: false,
    details: {
      unique_deliveries: ctx.deliveries.size,
      duplicates_sent: input.results.length - ctx.deliveries.size,
      retried_by_sender: input.results.filter((r) => r.tries > 1).length,
      dead_letters: deadLetters,
      notifications,
      swml_documents: swmlDocuments,
      send_seconds: Math.round(input.sendSeconds * 10) / 10,
      acked_per_second: Math.round(acked / input.sendSeconds),
      drain_seconds: Math.round((input.drainSeconds ?? 0) * 10) / 10,
      drained: input.drained,
      faults_by_target: input.faultsByTarget,
      worker: input.workerStats,
      progress: input.progress ?? [],
    },
    problems: ctx.problems,
  };
  results.passed =
    results.lost === 0 &&
    results.double_applied === 0 &&
    results.wrong_final_states === 0 &&
    results.replies_sent === results.replies_expected;
  return results;
}
