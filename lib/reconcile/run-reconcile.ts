import { CALL_STATE_RANK, isCallState } from '../calls/call-state';
import type { WebhookEnvelope } from '../envelope/envelope';
import { canonicalMessageStatus, statusRank } from '../messages/message-status';
import { RateLimitedError, type LookupAnswer, type SignalWireLookup } from '../signalwire/lookup-client';
import { reconciledCall, reconciledMessage } from './normalize-reconciled';
import { listedIdentity, listingSince, type KnownRecords } from './discover';
import type { OpenRecord, OpenRecords, ReconcileKind } from './open-record';
import { reconcileEnvelope, type ReconcilePayload } from './reconcile-payload';

export interface ReconcileSettings {
  /** A call is asked about once its last change is this old. */
  callWindowMinutes: number;
  messageWindowMinutes: number;
  /** A record still open this long after it was first seen is marked `reconcile: unknown`. */
  giveUpHours: number;
  /** API requests per run (429s and retries included): what is left waits for the next run. */
  maxRequests: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** `webhooks reconcile --since`: every open record first seen since then, whatever the age of its last change. */
  since?: string;
  /** Report what would change, send nothing. */
  dryRun?: boolean;
  /**
   * Also list the project's calls and messages created since the last listing (Compatibility API) and report those
   * we have no record of at all: their every webhook was lost. Needs `known` in the deps.
   */
  discover?: boolean;
}

/** What was missing from our record: its state, its price, or SignalWire no longer knows it. */
type Missing = 'state' | 'cost' | 'unknown' | 'record' | 'none';

export interface ReconcileChange {
  kind: ReconcileKind;
  id: string;
  missing: Missing;
  /** Our state before, and SignalWire's. */
  from?: string;
  to?: string;
  price?: number;
  priceUnit?: string;
  reason?: string;
}

export interface ReconcileReport {
  /** Open records read from the index. */
  open: number;
  /** API requests made (429s and retries included). */
  requests: number;
  rateLimited: number;
  /** Reports sent to the queue (or that would be, with dryRun). */
  changes: ReconcileChange[];
  unchanged: number;
  failed: { kind: ReconcileKind; id: string; reason: string }[];
  /** True when the request budget ran out before every open record was asked about. */
  budgetExhausted: boolean;
  dryRun: boolean;
  /** Why nothing was asked (no SignalWire API configured). */
  skipped?: string;
}

export interface ReconcileDeps {
  records: OpenRecords;
  signalwire: SignalWireLookup;
  /** Sends a report through the webhook queue. */
  enqueue(envelope: WebhookEnvelope): Promise<void>;
  /** Which listed records we have, and the listing cursor (discovery). */
  known?: KnownRecords;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

const ATTEMPTS_PER_RECORD = 4;
const MAX_PAUSE_MS = 30_000;

/**
 * One reconciler run: every open call and message whose last change is older than its window (or, on demand, first
 * seen since a time) is asked about once, at most `concurrency` at a time and `maxRequests` in all; a 429 pauses
 * every request for its Retry-After. What SignalWire knows that we do not goes to the webhook queue as a report
 * (lib/reconcile/reconcile-payload.ts). Two runs at once are safe: their reports are applied idempotently.
 */
export async function runReconcile(deps: ReconcileDeps, settings: ReconcileSettings): Promise<ReconcileReport> {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = now();
  const before = (minutes: number) =>
    settings.since !== undefined ? started.toISOString() : new Date(started.getTime() - minutes * 60_000).toISOString();
  const range = (minutes: number) => ({
    changedBefore: before(minutes),
    ...(settings.since !== undefined && { firstSeenSince: settings.since }),
  });
  const [calls, messages] = await Promise.all([
    deps.records.list('call', range(settings.callWindowMinutes), settings.maxRequests),
    deps.records.list('message', range(settings.messageWindowMinutes), settings.maxRequests),
  ]);
  const queue = interleave(calls, messages);
  const report: ReconcileReport = { ...emptyReport(settings), open: queue.length };
  let pausedUntil = 0;

  /** One API request within the budget (undefined when it is used up), tried again after a 429. */
  const request = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    for (let attempt = 1; attempt <= ATTEMPTS_PER_RECORD; attempt += 1) {
      const wait = pausedUntil - Date.now();
      if (wait > 0) await sleep(wait);
      if (report.requests >= settings.maxRequests) return undefined;
      report.requests += 1;
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof RateLimitedError) || attempt === ATTEMPTS_PER_RECORD) throw error;
        report.rateLimited += 1;
        // Everyone waits: the limit is the project's, not this request's. Doubling past Retry-After on repeats.
        pausedUntil = Math.max(
          pausedUntil,
          Date.now() + Math.min(error.retryAfterMs * 2 ** (attempt - 1), MAX_PAUSE_MS),
        );
      }
    }
    return undefined;
  };

  const reconcileOne = async (record: OpenRecord) => {
    try {
      const answer = await request(() => deps.signalwire.get(record.kind, record.lookup));
      if (answer === undefined) {
        report.budgetExhausted = true;
        return;
      }
      const decision = decide(record, answer, started, settings.giveUpHours);
      if (decision === undefined) {
        report.unchanged += 1;
        return;
      }
      const kind = record.kind === 'call' ? 'call.status' : 'message.status';
      if (!report.dryRun) await deps.enqueue(reconcileEnvelope(kind, decision.payload, now()));
      report.changes.push(decision.change);
    } catch (error) {
      // This record waits for the next run; the others go on.
      const reason = error instanceof Error ? error.message : String(error);
      report.failed.push({ kind: record.kind, id: record.id, reason });
    }
  };

  let next = 0;
  const lanes = Array.from({ length: Math.max(1, settings.concurrency) }, async () => {
    while (next < queue.length && !report.budgetExhausted) await reconcileOne(queue[next++]!);
  });
  await Promise.all(lanes);
  if (settings.discover === true && deps.known !== undefined && !report.budgetExhausted) {
    const known = deps.known;
    const since = listingSince(settings.since, await known.listedThrough(), started);
    let complete = true;
    for (const kind of ['call', 'message'] as const) {
      try {
        complete = (await discover(kind, since, known)) && complete;
      } catch (error) {
        complete = false;
        const reason = error instanceof Error ? error.message : String(error);
        report.failed.push({ kind, id: `list ${kind}s`, reason });
      }
    }
    if (complete && !report.dryRun && settings.since === undefined) await known.setListedThrough(started.toISOString());
  }
  return report;

  /** Pages through the project's records created since `since`, newest first; reports the ones we have never seen. */
  async function discover(kind: ReconcileKind, since: number, known: KnownRecords): Promise<boolean> {
    let next: string | undefined;
    do {
      const page = await request(() => deps.signalwire.listPage(kind, next));
      if (page === undefined) {
        report.budgetExhausted = true;
        return false;
      }
      const listed = page.resources.flatMap((resource) => {
        const identity = listedIdentity(resource);
        return identity !== undefined && identity.createdAt >= since ? [{ ...identity, resource }] : [];
      });
      const have = await known.existing(
        kind,
        listed.map((l) => l.id),
      );
      for (const { id, resource } of listed) {
        if (have.has(id)) continue;
        const payload = { reconcile: 'state', api: 'compat', record_id: id, resource } as const;
        const learned =
          kind === 'call'
            ? reconciledCall(payload, started.toISOString()).event.state
            : reconciledMessage(payload, started.toISOString()).event.status;
        const envelopeKind = kind === 'call' ? 'call.status' : 'message.status';
        if (!report.dryRun) await deps.enqueue(reconcileEnvelope(envelopeKind, payload, now()));
        report.changes.push({ kind, id, missing: 'record', to: learned });
      }
      const older = page.resources.every((resource) => (listedIdentity(resource)?.createdAt ?? 0) < since);
      next = older ? undefined : page.next;
    } while (next !== undefined);
    return true;
  }
}

/** A run's report before it asked anything. */
export function emptyReport(settings: Pick<ReconcileSettings, 'dryRun'>): ReconcileReport {
  return {
    open: 0,
    requests: 0,
    rateLimited: 0,
    changes: [],
    unchanged: 0,
    failed: [],
    budgetExhausted: false,
    dryRun: settings.dryRun === true,
  };
}

/** Whether SignalWire's answer tells us anything; the report to send and what it adds. */
function decide(
  record: OpenRecord,
  answer: LookupAnswer,
  now: Date,
  giveUpHours: number,
): { payload: ReconcilePayload; change: ReconcileChange } | undefined {
  const base = { kind: record.kind, id: record.id, ...(record.state !== undefined && { from: record.state }) };
  const unknown = (reason: string) => ({
    payload: { reconcile: 'unknown', api: record.lookup.api, record_id: record.id, reason } as const,
    change: { ...base, missing: 'unknown' as const, reason },
  });
  if (!answer.found) return unknown(`SignalWire does not know this ${record.kind}`);
  const payload = {
    reconcile: 'state',
    api: record.lookup.api,
    record_id: record.id,
    resource: answer.resource,
  } as const;
  const nowIso = now.toISOString();
  const learned =
    record.kind === 'call'
      ? (() => {
          const call = reconciledCall(payload, nowIso);
          return { to: call.event.state as string, cost: call.cost, settled: call.settled };
        })()
      : (() => {
          const message = reconciledMessage(payload, nowIso);
          return { to: message.event.status as string, cost: message.cost, settled: message.settled };
        })();
  const advances = rankOf(record.kind, learned.to) > rankOf(record.kind, record.state);
  const prices = learned.cost !== undefined && !record.priced;
  if (advances || prices || learned.settled) {
    const missing: Missing = advances ? 'state' : prices ? 'cost' : 'none';
    return {
      payload,
      change: {
        ...base,
        missing,
        to: learned.to,
        ...(learned.cost && { price: learned.cost.price, priceUnit: learned.cost.priceUnit }),
      },
    };
  }
  const age = now.getTime() - Date.parse(record.firstSeenAt);
  if (age >= giveUpHours * 3_600_000) return unknown(`still ${learned.to} after ${giveUpHours} h`);
  return undefined;
}

function rankOf(kind: ReconcileKind, state: string | undefined): number {
  if (state === undefined) return 0;
  if (kind === 'call') return isCallState(state) ? CALL_STATE_RANK[state] : 0;
  const status = canonicalMessageStatus(state);
  return status === undefined ? 0 : statusRank(status);
}

function interleave<T>(a: T[], b: T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    if (i < a.length) out.push(a[i]!);
    if (i < b.length) out.push(b[i]!);
  }
  return out;
}
