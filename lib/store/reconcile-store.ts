import { DependencyError } from '../errors';
import type { Settlement, SettleStore } from '../reconcile/apply-reconciled';
import type { PricedRecord } from '../events/priced-record';
import { GetCommand, UpdateCommand } from './commands';
import { isConditionFailure, type TableRef } from './table';
import { buildUpdate } from './update-expression';

const OPEN_INDEX_KEYS = ['open_pk', 'open_sk'];

/**
 * What the reconciler's envelopes add to a call or message (`CALL#<id>` / `MESSAGE#<id>`): SignalWire's price, once,
 * and the record leaving the open index (lib/store/open-index.ts) once nothing more is to be learned.
 */
export function createSettleStore(table: TableRef, kind: 'CALL' | 'MESSAGE'): SettleStore {
  const key = (id: string) => ({ pk: `${kind}#${id}`, sk: kind });
  /** The item after the write; undefined when its condition refused it. */
  const write = async (
    id: string,
    update: ReturnType<typeof buildUpdate>,
    what: string,
  ): Promise<Record<string, unknown> | undefined> => {
    try {
      const { Attributes } = await table.client.send(
        new UpdateCommand({ TableName: table.tableName, Key: key(id), ...update, ReturnValues: 'ALL_NEW' }),
      );
      return Attributes ?? {};
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw new DependencyError(`could not ${what}`, { cause: error });
    }
  };
  return {
    // Race closed: a real webhook and the reconciler's envelope for the same call. The state went through the
    // store's own conditions already; the price is set only if absent, so the first report stays and a repeat
    // changes nothing (the condition refuses it, and the outcome says so). The report that set the price is
    // recorded with it (`priced_by`), in the same write.
    async settle(id, settlement: Settlement, delivery) {
      const priced = settlement.price !== undefined;
      // Something to do: a price not yet known, or a record still in the open index (the caller asks for one).
      const wanted = [
        ...(priced ? ['attribute_not_exists(price)'] : []),
        ...(settlement.close ? ['attribute_exists(open_pk)'] : []),
      ];
      const item = await write(
        id,
        buildUpdate({
          set: { reconciled_at: new Date().toISOString() },
          setIfAbsent: {
            price: settlement.price,
            price_unit: priced ? settlement.priceUnit : undefined,
            priced_by: priced ? delivery : undefined,
            duration_seconds: settlement.durationSeconds,
          },
          ...(settlement.close && { remove: OPEN_INDEX_KEYS }),
          condition: `attribute_exists(pk) AND (${wanted.join(' OR ')})`,
        }),
        'record what SignalWire reported',
      );
      return { changed: item !== undefined, priced: item && pricedRecord(item) };
    },

    async priced(id) {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: key(id), ConsistentRead: true }),
      );
      return Item && pricedRecord(Item);
    },

    // Race closed: two reconciler runs at once (or a run and `webhooks reconcile`) both mark it; the second finds it
    // out of the index and changes nothing. A record that was settled meanwhile is left as it is.
    async markUnknown(id, reason) {
      const item = await write(
        id,
        buildUpdate({
          set: { reconcile: 'unknown', reconcile_reason: reason, reconciled_at: new Date().toISOString() },
          remove: OPEN_INDEX_KEYS,
          condition: 'attribute_exists(pk) AND attribute_exists(open_pk)',
        }),
        'mark the record unknown',
      );
      return item !== undefined;
    },
  };
}

/** A call's or message's price as the item holds it, with the report that set it; undefined while unpriced. */
function pricedRecord(item: Record<string, unknown>): PricedRecord | undefined {
  if (typeof item.price !== 'number') return undefined;
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
  return {
    price: item.price,
    priceUnit: text('price_unit'),
    pricedBy: text('priced_by'),
    from: text('from'),
    to: text('to'),
    direction: text('direction'),
    durationSeconds: typeof item.duration_seconds === 'number' ? item.duration_seconds : undefined,
  };
}
