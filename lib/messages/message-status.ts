/**
 * Canonical message statuses across the three shapes, and the order in which they may replace each other.
 *
 * Outbound: queued < initiated < sent < (delivered | undelivered | failed).
 * Inbound:  receiving < received.
 * cXML's `sending` is RELAY's `initiated` (the carrier hand-off has started), so both map to `initiated`; the
 * original word is kept as `rawStatus`. Statuses arrive out of order and more than once, so a store must only
 * move a message forward: a late `sent` never overwrites `delivered`. `sent` is not terminal but may be the
 * last word: SignalWire does not guarantee `delivered`, and MMS usually stops at `sent`. That is not a failure.
 */
export type MessageStatus =
  | 'queued'
  | 'initiated'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'receiving'
  | 'received';

const TERMINAL_RANK = 100;

const STATUS_RANK: Record<MessageStatus, number> = {
  queued: 10,
  initiated: 20,
  sent: 30,
  delivered: TERMINAL_RANK,
  undelivered: TERMINAL_RANK,
  failed: TERMINAL_RANK,
  receiving: 20,
  received: TERMINAL_RANK,
};

// Every word the three shapes use, lower-cased. `accepted` and `scheduled` are the compatibility API's words
// for a message not yet queued for sending; they are kept with `queued` rather than refused.
const CANONICAL_BY_RAW: Record<string, MessageStatus> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  initiated: 'initiated',
  sending: 'initiated',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  receiving: 'receiving',
  received: 'received',
};

export const MESSAGE_STATUSES: readonly MessageStatus[] = Object.keys(STATUS_RANK) as MessageStatus[];

/** The canonical status for a raw status word, or undefined when the word is unknown. */
export function canonicalMessageStatus(rawStatus: string): MessageStatus | undefined {
  const key = rawStatus.trim().toLowerCase();
  return Object.hasOwn(CANONICAL_BY_RAW, key) ? CANONICAL_BY_RAW[key] : undefined;
}

export function statusRank(status: MessageStatus): number {
  return STATUS_RANK[status];
}

export function isTerminal(status: MessageStatus): boolean {
  return STATUS_RANK[status] === TERMINAL_RANK;
}

/**
 * Whether `incoming` may replace `current` in a store. Only a strictly higher rank moves a message forward, so a
 * duplicate or a late earlier status is dropped, and the first terminal status wins over a later, different one.
 */
export function statusSupersedes(incoming: MessageStatus, current: MessageStatus | undefined): boolean {
  return current === undefined || STATUS_RANK[incoming] > STATUS_RANK[current];
}
