import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The single table's key shape: `pk` names the entity (`CALL#<id>`), `sk` the item within it. */
export interface TableRef {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Days an item lives after its last change (the table's TTL attribute is `expires_at`). */
  retentionDays: number;
}

export function createDocumentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function expiresAt(table: TableRef, nowMs: number = Date.now()): number {
  return Math.floor(nowMs / 1000) + table.retentionDays * 86_400;
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
