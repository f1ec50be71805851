/** The cost and reconcile attributes a call or message item may carry (written by the worker from lib/reconcile/). */
export interface RecordCost {
  price: number | null;
  price_unit: string | null;
  reconcile: 'unknown' | null;
  reconcile_reason: string | null;
  reconciled_at: string | null;
}

/** Reads them off a CALL# or MESSAGE# item: null for each one absent. */
export function costOf(item: Record<string, unknown>): RecordCost {
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : null);
  return {
    price: typeof item.price === 'number' && Number.isFinite(item.price) ? item.price : null,
    price_unit: text('price_unit'),
    reconcile: item.reconcile === 'unknown' ? 'unknown' : null,
    reconcile_reason: text('reconcile_reason'),
    reconciled_at: text('reconciled_at'),
  };
}
