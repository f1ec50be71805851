import { BatchGetCommand } from './commands';
import type { TableRef } from './table';

const BATCH = 100;
const IN_FLIGHT = 8;

/** Call states and message statuses after which SignalWire may have priced the record; before them there is no price. */
const PRICEABLE = new Set(['ended', 'sent', 'delivered', 'undelivered', 'failed', 'received']);

/**
 * Fills in `price` and `price_unit` on stats-index items (`CALL#` and `MESSAGE#`) from their base items: one
 * BatchGetItem per 100 records that may be priced (an ended call, a sent or received message), 8 at a time.
 *
 * Why not from the index: the price arrives after the record was filed, and adding it to gsi1's projection is a
 * change DynamoDB refuses on an existing index ("Cannot update GSI's properties other than Provisioned Throughput"):
 * a deployed stage's update would fail. The stats and lists are operator reads, so the extra reads are theirs only.
 */
export async function addPrices(table: TableRef, items: Record<string, unknown>[]): Promise<void> {
  const byKey = new Map<string, Record<string, unknown>[]>();
  for (const item of items) {
    if (!PRICEABLE.has(String(item.state ?? item.status)) || typeof item.pk !== 'string') continue;
    const same = byKey.get(item.pk);
    if (same === undefined) byKey.set(item.pk, [item]);
    else same.push(item);
  }
  const keys = [...byKey.keys()].map((pk) => ({ pk, sk: pk.slice(0, pk.indexOf('#')) }));
  const batches: (typeof keys)[] = [];
  for (let start = 0; start < keys.length; start += BATCH) batches.push(keys.slice(start, start + BATCH));
  const next = async (): Promise<void> => {
    for (let batch = batches.shift(); batch !== undefined; batch = batches.shift()) {
      let request: Record<string, { Keys: Record<string, unknown>[]; ProjectionExpression: string }> | undefined = {
        [table.tableName]: { Keys: batch, ProjectionExpression: 'pk, price, price_unit' },
      };
      while (request !== undefined && Object.keys(request).length > 0) {
        const answer = await table.client.send(new BatchGetCommand({ RequestItems: request }));
        for (const found of answer.Responses?.[table.tableName] ?? [])
          for (const item of byKey.get(String(found.pk)) ?? []) {
            if (typeof found.price === 'number') item.price = found.price;
            if (typeof found.price_unit === 'string') item.price_unit = found.price_unit;
          }
        request = answer.UnprocessedKeys as typeof request;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, batches.length) }, next));
}
