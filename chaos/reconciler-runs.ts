import type { LocalStack } from '../local/stack';
import type { ReconcileReport } from '../lib/reconcile/run-reconcile';

/** What the reconciler's runs did over the chaos run, summed from the reports its handler returned. */
export interface ReconcilerSummary {
  runs: number;
  /** Runs that threw (e.g. the open index could not be read through the faults): the next run starts over. */
  failed_runs: number;
  /** SignalWire API requests, 429s and retries included. */
  requests: number;
  /** 429s the reconciler was answered (the stand-in's, and the SignalWire fault proxy's throttling). */
  rate_limited: number;
  /** Reports queued, by what they brought (state, cost, record, unknown, none: the record closes). */
  reports_sent: number;
  reports_by_missing: Record<string, number>;
  /** Records a run could not ask about (faults): asked again by the next run. */
  lookups_failed: number;
  budget_exhausted_runs: number;
  longest_run_ms: number;
  /** Schedule ticks skipped because the queue had a backlog (`hold`). */
  held_ticks: number;
}

export interface ReconcilerRuns {
  summary(): ReconcilerSummary;
  /** No run after this; resolves once the run under way has finished. */
  stop(): Promise<void>;
}

/**
 * The reconciler on a schedule of its own, as EventBridge runs it deployed (local/schedules.ts's ticks, which keep no
 * report): invoked in its function thread with a Scheduled Event every `everyMs` (never two at once), its reports
 * summed. A tick is skipped while `hold` says so (the harness: until the last run's reports had their turn in the
 * queue). `beforeRun` runs before each invocation (the harness injects the stand-in's 429s there), `afterRun` after
 * each one that returned a report.
 */
export function startReconcilerRuns(
  stack: Pick<LocalStack, 'invoke' | 'scheduledEvent'>,
  options: {
    everyMs: number;
    hold?(): Promise<boolean>;
    beforeRun?(run: number): void;
    afterRun?(report: ReconcileReport): Promise<void>;
  },
): ReconcilerRuns {
  const summary: ReconcilerSummary = {
    runs: 0,
    failed_runs: 0,
    requests: 0,
    rate_limited: 0,
    reports_sent: 0,
    reports_by_missing: {},
    lookups_failed: 0,
    budget_exhausted_runs: 0,
    longest_run_ms: 0,
    held_ticks: 0,
  };
  let running = true;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      if (await options.hold?.().catch(() => false)) {
        summary.held_ticks++;
        if (running) await pause(options.everyMs);
        continue;
      }
      options.beforeRun?.(summary.runs + 1);
      summary.runs++;
      try {
        const report = (await stack.invoke('reconciler', stack.scheduledEvent('reconciler'))) as ReconcileReport;
        summary.requests += report.requests;
        summary.rate_limited += report.rateLimited;
        summary.reports_sent += report.changes.length;
        for (const change of report.changes)
          summary.reports_by_missing[change.missing] = (summary.reports_by_missing[change.missing] ?? 0) + 1;
        summary.lookups_failed += report.failed.length;
        if (report.budgetExhausted) summary.budget_exhausted_runs++;
        await options.afterRun?.(report).catch(() => undefined);
      } catch {
        summary.failed_runs++;
      }
      summary.longest_run_ms = Math.max(summary.longest_run_ms, Date.now() - started);
      const wait = Math.max(200, options.everyMs - (Date.now() - started));
      if (running) await pause(wait);
    }
  })();
  return {
    summary: () => ({ ...summary, reports_by_missing: { ...summary.reports_by_missing } }),
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
