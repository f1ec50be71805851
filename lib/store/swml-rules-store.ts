import { DeleteCommand, GetCommand, UpdateCommand } from './commands';
import { DependencyError } from '../errors';
import type { TableRef } from './table';

/** The routing rules operators set with `webhooks swml set`: one item, pk `CONFIG#swml`, sk `RULES`. */
export interface StoredRoutingRules {
  /** The rules as the operator wrote them (validated before writing); defaults fill what they leave out. */
  rules_json: string;
  updated_at: string;
  /** Counts the writes, so an operator can tell whether a change went through. */
  version: number;
}

// The swml function's role may read this key and no other (dynamodb:LeadingKeys in serverless.yml).
const KEY = { pk: 'CONFIG#swml', sk: 'RULES' };

export function createSwmlRulesStore(table: TableRef) {
  return {
    async get(): Promise<StoredRoutingRules | undefined> {
      try {
        const { Item } = await table.client.send(new GetCommand({ TableName: table.tableName, Key: KEY }));
        if (Item === undefined) return undefined;
        return {
          rules_json: String(Item.rules_json ?? ''),
          updated_at: String(Item.updated_at ?? ''),
          version: Number(Item.version ?? 0),
        };
      } catch (cause) {
        throw new DependencyError('could not read the swml routing rules', { cause });
      }
    },

    /** Replaces the rules; the last writer wins, which is what an operator setting rules expects. */
    async put(rulesJson: string): Promise<StoredRoutingRules> {
      const { Attributes } = await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: KEY,
          UpdateExpression: 'SET rules_json = :rules, updated_at = :now ADD version :one',
          ExpressionAttributeValues: { ':rules': rulesJson, ':now': new Date().toISOString(), ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return {
        rules_json: rulesJson,
        updated_at: String(Attributes?.updated_at),
        version: Number(Attributes?.version),
      };
    },

    /** Back to the built-in rules (DEFAULT_ROUTING_RULES). */
    async remove(): Promise<void> {
      await table.client.send(new DeleteCommand({ TableName: table.tableName, Key: KEY }));
    },
  };
}
