import type { ParameterReader } from '../config/secrets';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { SendMessage } from '../queue/send-message';
import { webhookQueueOver } from '../queue/webhook-queue';
import { createSignalWireLookup, type SignalWireLookup } from '../signalwire/lookup-client';
import { requireApiToken, type SignalWireApiSettings } from '../signalwire/api-from-env';
import type { DynamoDbSender } from '../store/document-client';
import { createKnownRecords } from '../store/known-records';
import { createOpenRecords } from '../store/open-records';
import { createDocumentClient } from '../store/table';
import type { ReconcileDeps, ReconcileReport, ReconcileSettings } from '../reconcile/run-reconcile';
import { emptyReport, runReconcile } from '../reconcile/run-reconcile';

export interface ReconcilerClients {
  dynamodb: DynamoDbSender;
  sendMessage: SendMessage;
  readParameter: ParameterReader;
}

export interface ReconcilerParts {
  tableName: string;
  queueUrl: string;
  signalWire: SignalWireApiSettings | undefined;
}

/** The reconciler's composition root (the function's and `webhooks reconcile`'s): a run over the table, queue and API. */
export function composeReconciler(parts: ReconcilerParts, clients: ReconcilerClients, log: Logger, metrics: Metrics) {
  const queue = webhookQueueOver(clients.sendMessage, parts.queueUrl);
  const table = { client: createDocumentClient(clients.dynamodb), tableName: parts.tableName, retentionDays: 0 };
  const records = createOpenRecords(table);
  const known = createKnownRecords(table);
  return async (settings: ReconcileSettings): Promise<ReconcileReport> => {
    if (parts.signalWire === undefined) {
      log.info('reconcile run skipped: SIGNALWIRE_SPACE_URL is blank, there is no SignalWire API to ask');
      return { ...emptyReport(settings), skipped: 'no SignalWire API configured' };
    }
    const signalWire = parts.signalWire;
    let report: ReconcileReport;
    try {
      const deps: ReconcileDeps = {
        records,
        known,
        signalwire: await lookupWithToken(signalWire, clients.readParameter),
        enqueue: (envelope) => queue.send(JSON.stringify(envelope)),
      };
      report = await runReconcile(deps, settings);
    } catch (error) {
      // No run at all (the token or the open index could not be read): the alarm's metric counts it too.
      metrics.count('ReconcileFailed', { Kind: 'run' });
      throw error;
    }
    for (const change of report.changes)
      if (change.missing !== 'none') metrics.count('Reconciled', { Kind: change.kind, Missing: change.missing });
    for (const failure of report.failed) metrics.count('ReconcileFailed', { Kind: failure.kind });
    const summary = {
      open: report.open,
      requests: report.requests,
      changed: report.changes.length,
      unchanged: report.unchanged,
      failed: report.failed.length,
      rate_limited: report.rateLimited,
      budget_exhausted: report.budgetExhausted,
    };
    if (report.failed.length > 0)
      log.warn('reconcile run could not ask about some records', { ...summary, first_failure: report.failed[0] });
    else log.info('reconcile run', summary);
    return report;
  };
}

/** The lookup client with the current API token (read on every run, through the parameter cache). */
async function lookupWithToken(
  settings: SignalWireApiSettings,
  readParameter: ParameterReader,
): Promise<SignalWireLookup> {
  const apiToken = await requireApiToken(settings, readParameter);
  return createSignalWireLookup({
    spaceUrl: settings.spaceUrl,
    projectId: settings.projectId,
    apiToken,
    timeoutMs: settings.timeoutMs,
  });
}
