import { WebhookError } from '../errors';

/**
 * A claim with a lease: how a side effect outside our table (an SMS reply, an SNS notification) is done once.
 * The first worker creates the claim `in_progress` with a lease, does the effect, then closes the claim with a
 * terminal status. Another worker that finds the claim open and its lease running waits (retries later); one
 * that finds the lease expired knows the holder died, possibly after the effect, and takes the claim over.
 *
 * Statuses: `in_progress` (held under a lease), `retry` (released by its holder after a retryable failure: the
 * next attempt may take it over at once), anything else is terminal (`sent`, `failed`, `skipped`, `published`).
 */
type OpenClaimStatus = 'in_progress' | 'retry';

export interface Claim {
  key: string;
  status: string;
  token: string;
  /** Epoch milliseconds. */
  leaseExpiresAt: number;
  /** Epoch milliseconds of the first claim; kept across takeovers. */
  claimedAt: number;
  attempts: number;
  /** What the use case stored with it (keyword, reply sid, failure reason...). */
  fields: Record<string, string | number>;
}

/** The port; lib/store/claim-store.ts implements it on DynamoDB, one key prefix per kind of effect. */
export interface ClaimStore {
  /** Creates the claim in progress; false when a claim with this key exists. */
  create(
    key: string,
    claim: { token: string; leaseExpiresAt: number; now: number; fields: Claim['fields'] },
  ): Promise<boolean>;
  get(key: string): Promise<Claim | undefined>;
  /** Takes over an open claim still held by `previousToken`; false when someone changed it since it was read. */
  takeOver(
    key: string,
    previousToken: string,
    claim: { token: string; leaseExpiresAt: number; now: number },
  ): Promise<boolean>;
  /** Closes (or with `retry`, releases) the claim we hold; false when it is no longer ours. */
  finish(key: string, token: string, status: string, fields: Claim['fields']): Promise<boolean>;
  /** Records a terminal outcome when no claim exists (e.g. `skipped`); false when one exists. */
  recordIfAbsent(key: string, status: string, fields: Claim['fields']): Promise<boolean>;
}

/** Another worker holds the claim under a running lease: retry later, never do the effect now. */
export class ClaimBusyError extends WebhookError {
  override readonly name: string = 'ClaimBusyError';
  constructor(
    message: string,
    /** When the holder's lease ends (epoch ms), if known: from then on the claim can be taken over. */
    readonly leaseExpiresAt?: number,
  ) {
    super(message);
  }
}

export type Acquired =
  /** We hold the claim. `previous` is set when we took it over: its holder may have done the effect already. */
  | { kind: 'acquired'; token: string; claimedAt: number; previous?: Claim }
  /** The effect is settled (`sent`, `failed`, ...): nothing to do. */
  | { kind: 'settled'; claim: Claim };

export async function acquireClaim(
  store: ClaimStore,
  key: string,
  fields: Claim['fields'],
  options: { leaseMs: number; now: number; token: string },
): Promise<Acquired> {
  const { token, now } = options;
  const leaseExpiresAt = now + options.leaseMs;
  if (await store.create(key, { token, leaseExpiresAt, now, fields }))
    return { kind: 'acquired', token, claimedAt: now };
  const existing = await store.get(key);
  if (existing === undefined) throw new ClaimBusyError(`claim ${key} vanished while being read`);
  // Our own create went through but its answer was lost (the SDK retried it and the retry found the claim): ours.
  if (existing.token === token && existing.status === 'in_progress')
    return { kind: 'acquired', token, claimedAt: existing.claimedAt };
  if (!isOpen(existing.status)) return { kind: 'settled', claim: existing };
  if (existing.status === 'in_progress' && existing.leaseExpiresAt > now) {
    throw new ClaimBusyError(
      `claim ${key} is held by another worker until ${new Date(existing.leaseExpiresAt).toISOString()}`,
      existing.leaseExpiresAt,
    );
  }
  if (!(await store.takeOver(key, existing.token, { token, leaseExpiresAt, now }))) {
    // The winner took its lease a moment before ours would have begun: it ends by ours at the latest.
    throw new ClaimBusyError(`claim ${key} was taken over by another worker`, leaseExpiresAt);
  }
  return { kind: 'acquired', token, claimedAt: existing.claimedAt, previous: existing };
}

function isOpen(status: string): status is OpenClaimStatus {
  return status === 'in_progress' || status === 'retry';
}
