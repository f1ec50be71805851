/**
 * What SignalWire charged, as operators read it. Amounts are positive (the Compatibility API reports charges
 * negative; the worker stores the absolute value) and only ever added up per unit: never USD and EUR together.
 */
export type CostByUnit = Record<string, number>;

/** The cost fields a call or message record carries (lib/calls/call-record.ts, lib/messages/message-record.ts). */
interface PricedRecord {
  price: number | null;
  price_unit: string | null;
  reconcile: 'unknown' | null;
  reconcile_reason: string | null;
  reconciled_at: string | null;
}

/** Adds one record's price to the totals, in its own unit (`?` when the unit is missing). */
export function addCost(totals: CostByUnit, price: unknown, unit: unknown): boolean {
  if (typeof price !== 'number' || !Number.isFinite(price)) return false;
  const key = typeof unit === 'string' && unit !== '' ? unit : '?';
  // Summed in hundred-millionths, so 0.0065 + 0.0065 reads 0.013 and not 0.013000000000000001.
  totals[key] = Math.round(((totals[key] ?? 0) + price) * 1e8) / 1e8;
  return true;
}

/** `0.013 USD`, `0.013 USD, 0.5 EUR` (each unit on its own), or the empty string when nothing was priced. */
export function formatCost(totals: CostByUnit): string {
  return Object.entries(totals)
    .map(([unit, amount]) => `${amount} ${unit}`)
    .join(', ');
}

/**
 * A record's price as `calls show` / `messages show` and the console print it: `0.0065 USD`; `pending` once it is
 * finished (`done`: an ended call, a sent or received message) but SignalWire has not priced it yet; `unknown` when
 * the reconciler gave up on it; null while it is still in progress.
 */
export function priceText(record: PricedRecord, done: boolean): string | null {
  if (record.price !== null) return `${record.price}${record.price_unit ? ` ${record.price_unit}` : ''}`;
  if (record.reconcile === 'unknown') return 'unknown';
  return done ? 'pending' : null;
}

/** `unknown (not found at SignalWire)` when the reconciler could not learn the record's state; else null. */
export function reconcileText(record: PricedRecord): string | null {
  if (record.reconcile !== 'unknown') return null;
  return record.reconcile_reason ? `unknown (${record.reconcile_reason})` : 'unknown';
}
