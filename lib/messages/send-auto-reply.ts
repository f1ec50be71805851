import { randomUUID } from 'node:crypto';
import { acquireClaim, type ClaimStore } from '../claims/lease-claim';
import { DependencyError, PermanentError } from '../errors';
import type { ListedMessage, OutboundMessage, SentMessage } from '../signalwire/rest-client';
import type { AutoReply } from './auto-reply';
import type { MessageStore } from './message-record';
import type { IncomingMessage } from './normalize-incoming-message';

/** Reply claims, keyed by the inbound message id (DynamoDB: pk `REPLY#<message id>`, lib/store/claim-store.ts). */
type ReplyClaims = ClaimStore;

/** The part of the SignalWire REST API a reply needs (lib/signalwire/rest-client.ts). */
interface ReplyApi {
  sendMessage(message: OutboundMessage): Promise<SentMessage>;
  listMessages(filter: { from: string; to: string; sentSince: number }): Promise<ListedMessage[]>;
}

/** Which inbound message each sent reply answers (DynamoDB: `REPLYSID#<sid>`, lib/store/reply-credit-store.ts). */
export interface ReplyCredits {
  /** Credits reply `sid` to one inbound message; false when another message has it already. */
  credit(sid: string, inboundMessageId: string): Promise<boolean>;
}

export interface AutoReplyDeps {
  claims: ReplyClaims;
  credits: ReplyCredits;
  /** The API, or undefined when none is configured: the reply is then recorded as skipped, not an error. */
  api(): Promise<ReplyApi | undefined>;
  messages: Pick<MessageStore, 'recordOutbound'>;
  /** Our public `/message-status` URL with what our checks need, so the reply's delivery receipts come back to us. */
  statusCallbackUrl?(): Promise<string>;
  /** Must outlast the worker's timeout: a lease that expires while its holder still runs lets a second send in. */
  leaseMs: number;
  now?(): number;
}

export type AutoReplySent = 'reply sent' | 'reply found sent' | 'reply already settled' | 'reply skipped';

// Our clock and SignalWire's may disagree a little; a reply created this long before the claim still counts.
const CLOCK_SKEW_MS = 5_000;
// Messages the API will never deliver are not a reply that went out.
const UNSENT = new Set(['failed', 'undelivered', 'canceled']);

/**
 * Sends the keyword reply to one inbound message exactly once, whatever SQS or SignalWire redeliver:
 * claim (`REPLY#<id>` in progress, under a lease) -> send -> record the reply -> mark the claim `sent`.
 * A worker that dies after sending leaves the claim in progress; when its lease expires the next worker takes
 * the claim over and first asks the API whether the reply went out since the claim, so it never sends twice.
 */
export async function sendAutoReplyOnce(
  inbound: IncomingMessage,
  reply: AutoReply,
  deps: AutoReplyDeps,
): Promise<AutoReplySent> {
  const key = inbound.messageId;
  const api = await deps.api();
  if (api === undefined) {
    await deps.claims.recordIfAbsent(key, 'skipped', {
      keyword: reply.keyword,
      reason: 'no SignalWire API configured',
    });
    return 'reply skipped';
  }
  const now = deps.now ?? Date.now;
  const fields = { keyword: reply.keyword, reply_body: reply.text };
  const claim = await acquireClaim(deps.claims, key, fields, {
    leaseMs: deps.leaseMs,
    now: now(),
    token: randomUUID(),
  });
  if (claim.kind === 'settled') {
    if (claim.claim.status === 'failed')
      throw new PermanentError(`auto-reply failed earlier: ${claim.claim.fields.reason ?? 'unknown'}`);
    return 'reply already settled';
  }
  // The text claimed first, even if the keyword table changed since: a reconcile must look for what was sent.
  const outbound = {
    from: inbound.to,
    to: inbound.from,
    body: String(claim.previous?.fields.reply_body ?? reply.text),
  };
  const record = async (sid: string) => {
    await deps.messages.recordOutbound({ messageId: sid, inReplyTo: key, ...outbound, queuedAt: now() });
    await deps.claims.finish(key, claim.token, 'sent', { reply_sid: sid });
  };
  try {
    if (claim.previous !== undefined) {
      // The previous holder died or gave up, maybe after the API accepted its send (a timeout, a crash). Any reply
      // of this text to this customer since the claim may be it, unless another inbound message already counts it
      // as its own (the same customer sent HELP twice): the credit is exclusive, so each one gets its own reply.
      const since = claim.claimedAt - CLOCK_SKEW_MS;
      const candidates = (await api.listMessages({ from: outbound.from, to: outbound.to, sentSince: since }))
        .filter(
          (m) => m.body === outbound.body && m.dateCreated >= Math.floor(since / 1000) * 1000 && !UNSENT.has(m.status),
        )
        .sort((a, b) => a.dateCreated - b.dateCreated || a.sid.localeCompare(b.sid));
      for (const candidate of candidates) {
        if (await deps.credits.credit(candidate.sid, key)) {
          await record(candidate.sid);
          return 'reply found sent';
        }
      }
    }
    const statusCallback = await deps.statusCallbackUrl?.();
    const sent = await api.sendMessage({ ...outbound, ...(statusCallback !== undefined && { statusCallback }) });
    // Credited before anything else, so a concurrent reconcile of another message cannot take this reply.
    if (!(await deps.credits.credit(sent.sid, key))) {
      throw new DependencyError(`reply ${sent.sid} was credited to another message meanwhile; retrying`);
    }
    await record(sent.sid);
    return 'reply sent';
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof PermanentError) {
      await deps.claims.finish(key, claim.token, 'failed', { reason });
      throw error;
    }
    // Released rather than left to its lease: the redelivery may take it over at once, and reconciles first,
    // because a timeout may have hidden a send that went through. If this write fails too, the lease expires.
    await deps.claims.finish(key, claim.token, 'retry', { reason }).catch(() => undefined);
    throw error;
  }
}
