import { priceText, reconcileText } from '../lib/stats/cost';

type Priced = Parameters<typeof priceText>[0];

const COST_FIELDS = new Set(['price', 'price_unit', 'reconcile', 'reconcile_reason', 'reconciled_at']);

/**
 * A call or message for `show` without --json: the cost fields folded into readable lines where `price` stood
 * (`price: 0.0065 USD` or `price: pending`; `reconciled at: …` and `reconcile: unknown (reason)` when set).
 * --json prints the record as it is.
 */
export function withReadableCost<R extends Priced>(record: R, done: boolean): Record<string, unknown> {
  const lines: Record<string, unknown> = {};
  const price = priceText(record, done);
  if (price !== null) lines.price = price;
  if (record.reconciled_at !== null) lines['reconciled at'] = record.reconciled_at;
  const reconcile = reconcileText(record);
  if (reconcile !== null) lines.reconcile = reconcile;
  const readable: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'price') Object.assign(readable, lines);
    else if (!COST_FIELDS.has(key)) readable[key] = value;
  }
  return readable;
}
