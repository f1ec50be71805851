import { wrapDelivery } from '../envelope/wrap-delivery';
import { DependencyError } from '../errors';
import type { ParsedBody } from '../http/request-body';
import type { WebhookRequest } from '../http/webhook-request';
import type { Logger } from '../logger';
import { verifyDelivery, type VerifyDeliveryDeps } from '../security/authenticate';
import { buildSwmlOrSafeDefault } from './build-swml';
import { swmlCallContextFrom } from './call-context';
import { SAFE_DEFAULT_SWML, type SwmlDocument } from './swml-document';
import { readSwmlRequest } from './swml-request';

export interface SwmlFetchDeps extends VerifyDeliveryDeps {
  /** The stored routing rules (JSON text; undefined when none are set: the built-in rules). Rejects when unreadable. */
  loadRules(): Promise<string | undefined>;
  /** Queues the fetch's envelope for the worker (analytics); may fail or hang. */
  journal(messageBody: string): Promise<void>;
  /** The longest the answer waits for the journal (on Lambda, work left running after the answer is frozen). */
  journalTimeoutMs: number;
  /** The longest the answer waits for the rules before it gives up on them and answers the safe default. */
  rulesTimeoutMs: number;
  log: Logger;
}

/**
 * Answers a SWML fetch. It is authenticated as the ingest is (the same verifyDelivery): a refused fetch throws the
 * ClientError and gets no document. Past that, SignalWire waits for this document with a caller on the line, so it
 * is total: rules that are missing give the built-in rules' document, rules that are broken or unreadable the safe
 * default, and the journal runs beside the answer, bounded, its failure only logged.
 */
export async function answerSwmlFetch(request: WebhookRequest, deps: SwmlFetchDeps): Promise<SwmlDocument> {
  try {
    await verifyDelivery(request, deps.authenticate);
  } catch (error) {
    // When our secrets cannot be read (SSM down at a cold start) we cannot tell who asks: answer the safe default,
    // which holds nothing worth protecting, rather than a 5xx that drops the call.
    if (!(error instanceof DependencyError)) throw error;
    deps.log.error('swml fetch not verifiable; answering the safe default', {
      error,
      cause: error.cause,
      request_id: request.requestId,
    });
    return SAFE_DEFAULT_SWML;
  }
  try {
    const parsed = readSwmlRequest(request);
    const journaled = journalFetch(request, parsed, deps);
    const document = await documentFor(parsed?.payload ?? {}, deps);
    await journaled;
    return document;
  } catch (error) {
    deps.log.error('swml fetch failed; answering the safe default', { error, route: request.routeKey });
    return SAFE_DEFAULT_SWML;
  }
}

async function documentFor(payload: Record<string, unknown>, deps: SwmlFetchDeps): Promise<SwmlDocument> {
  let rules: string | undefined;
  try {
    rules = await withDeadline(deps.loadRules(), deps.rulesTimeoutMs, 'routing rules read timed out');
  } catch (error) {
    deps.log.error('swml routing rules unreadable; answering the safe default', {
      error,
      cause: (error as { cause?: unknown }).cause,
    });
    return SAFE_DEFAULT_SWML;
  }
  return buildSwmlOrSafeDefault(swmlCallContextFrom(payload), rules);
}

/** Resolves when the journal is queued, failed, or took longer than allowed; never rejects. */
async function journalFetch(
  request: WebhookRequest,
  parsed: ParsedBody | undefined,
  deps: SwmlFetchDeps,
): Promise<void> {
  const context = { route: request.routeKey, request_id: request.requestId };
  if (parsed === undefined) {
    deps.log.warn('swml fetch body unreadable; answered, not journaled', context);
    return;
  }
  const envelope = wrapDelivery('swml.fetch', request, parsed);
  try {
    await withDeadline(deps.journal(JSON.stringify(envelope)), deps.journalTimeoutMs, 'journal timed out');
  } catch (error) {
    deps.log.warn('swml fetch not journaled', { ...context, event_id: envelope.event_id, error });
  }
}

/** Settles like `work`, or rejects after `ms`; `work` itself is left to finish or fail on its own. */
async function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
