import { sendMessageWith } from '../../lib/aws/sqs';
import { webhookQueueOver } from '../../lib/queue/webhook-queue';
import { readReconcileSettings } from '../../lib/reconciler/reconciler-config';
import { runReconcile, type ReconcileChange, type ReconcileReport } from '../../lib/reconcile/run-reconcile';
import { createSignalWireLookup } from '../../lib/signalwire/lookup-client';
import { createKnownRecords } from '../../lib/store/known-records';
import { createOpenRecords } from '../../lib/store/open-records';
import { CliError } from '../output';
import { sinceOption } from '../since';
import type { Target } from '../target';

/**
 * `webhooks reconcile [--since ISO] [--dry-run]`: the reconciler's run, now, from this shell: every open call and
 * message first seen since then (default: the last 24 hours), whatever the age of its last change. SignalWire
 * credentials from the shell, as for `dial`; the reports go through the stage's webhook queue like the scheduled
 * run's (with --dry-run nothing is sent). RECONCILE_MAX_REQUESTS and RECONCILE_CONCURRENCY apply as deployed.
 */
export async function reconcileNow(
  target: Target,
  options: { since?: string; 'dry-run'?: boolean },
  env = process.env,
): Promise<ReconcileReport> {
  const missing = ['SIGNALWIRE_SPACE_URL', 'SIGNALWIRE_PROJECT_ID', 'SIGNALWIRE_API_TOKEN'].filter(
    (name) => !env[name]?.trim(),
  );
  if (missing.length > 0)
    throw new CliError(`set ${missing.join(', ')} in your shell (your SignalWire space and API credentials)`);
  const signalwire = createSignalWireLookup({
    spaceUrl: env.SIGNALWIRE_SPACE_URL!,
    projectId: env.SIGNALWIRE_PROJECT_ID!,
    apiToken: env.SIGNALWIRE_API_TOKEN!,
  });
  const queue = webhookQueueOver(sendMessageWith(target.sqs), target.queueUrl);
  return runReconcile(
    {
      records: createOpenRecords(target.table),
      known: createKnownRecords(target.table),
      signalwire,
      enqueue: (envelope) => queue.send(JSON.stringify(envelope)),
    },
    { ...readReconcileSettings(env), since: sinceOption(options.since), dryRun: options['dry-run'] === true },
  );
}

/** One line per change, then the totals. */
export function readableReconcile(report: ReconcileReport): string {
  const lines = report.changes.map(describeChange);
  for (const failure of report.failed) lines.push(`${failure.kind} ${failure.id}: could not ask (${failure.reason})`);
  const verb = report.dryRun ? 'would change' : 'changed';
  lines.push(
    `${report.open} open, ${report.requests} requests (${report.rateLimited} rate limited), ${report.changes.length} ${verb}, ` +
      `${report.unchanged} unchanged, ${report.failed.length} failed${report.budgetExhausted ? ', request budget used up: run again' : ''}`,
  );
  return lines.join('\n');
}

function describeChange(change: ReconcileChange): string {
  const price = change.price === undefined ? '' : `, price ${change.price} ${change.priceUnit}`;
  if (change.missing === 'unknown') return `${change.kind} ${change.id}: unknown (${change.reason})`;
  const state = change.from === change.to ? (change.to ?? '') : `${change.from ?? 'none'} -> ${change.to}`;
  return `${change.kind} ${change.id}: ${state}${price}${change.missing === 'none' ? ' (closed)' : ''}`;
}
