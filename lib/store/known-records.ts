import type { KnownRecords } from '../reconcile/discover';
import { BatchGetCommand, GetCommand, PutCommand } from './commands';
import type { TableRef } from './table';

const BATCH = 100;
const MAX_ROUNDS = 5;
const CURSOR_KEY = { pk: 'RECONCILE#cursor', sk: 'RECONCILE' };

/** Which listed calls and messages we already have (BatchGetItem of their keys), and how far the last listing got. */
export function createKnownRecords(table: TableRef): KnownRecords {
  return {
    async existing(kind, ids) {
      const prefix = kind === 'call' ? 'CALL' : 'MESSAGE';
      const found = new Set<string>();
      for (let i = 0; i < ids.length; i += BATCH) {
        let keys: Record<string, unknown>[] | undefined = ids
          .slice(i, i + BATCH)
          .map((id) => ({ pk: `${prefix}#${id}`, sk: prefix }));
        for (let round = 0; keys !== undefined && keys.length > 0; round += 1) {
          if (round === MAX_ROUNDS) throw new Error(`reconcile: ${keys.length} keys left unprocessed`);
          const answer = await table.client.send(
            new BatchGetCommand({
              RequestItems: { [table.tableName]: { Keys: keys, ProjectionExpression: 'pk' } },
            }),
          );
          for (const item of answer.Responses?.[table.tableName] ?? []) {
            const pk = String(item.pk);
            found.add(pk.slice(pk.indexOf('#') + 1));
          }
          keys = answer.UnprocessedKeys?.[table.tableName]?.Keys as Record<string, unknown>[] | undefined;
        }
      }
      return found;
    },

    async listedThrough() {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: CURSOR_KEY, ConsistentRead: true }),
      );
      return typeof Item?.listed_through === 'string' ? Item.listed_through : undefined;
    },

    // Two runs at once may both write it: either time is a complete listing's start, so either is right.
    async setListedThrough(iso) {
      await table.client.send(
        new PutCommand({ TableName: table.tableName, Item: { ...CURSOR_KEY, listed_through: iso } }),
      );
    },
  };
}
