import { documentClient, type DocumentClient, type DynamoDbSender } from './document-client';

/** The single table's key shape: `pk` names the entity (`CALL#<id>`), `sk` the item within it. */
export interface TableRef {
  client: DocumentClient;
  tableName: string;
  /** Days an item lives after its last change (the table's TTL attribute is `expires_at`). */
  retentionDays: number;
}

/** lib-dynamodb's commands over `client`, native values marshalled (undefined ones removed); see document-client.ts. */
export function createDocumentClient(client: DynamoDbSender): DocumentClient {
  return documentClient(client);
}

export function expiresAt(table: TableRef, nowMs: number = Date.now()): number {
  return Math.floor(nowMs / 1000) + table.retentionDays * 86_400;
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
