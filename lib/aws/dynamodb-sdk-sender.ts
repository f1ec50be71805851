import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDbSender } from '../store/document-client';

// The operations the stores send (lib/store/commands.ts).
const COMMANDS: Record<string, new (input: never) => object> = {
  GetItem: GetItemCommand,
  PutItem: PutItemCommand,
  UpdateItem: UpdateItemCommand,
  DeleteItem: DeleteItemCommand,
  Query: QueryCommand,
  BatchGetItem: BatchGetItemCommand,
  BatchWriteItem: BatchWriteItemCommand,
};

/** The SDK's DynamoDBClient as the stores' sender (lib/store/document-client.ts). */
export function sdkDynamoDb(client: DynamoDBClient): DynamoDbSender {
  return {
    async call(operation, input) {
      const Command = COMMANDS[operation];
      if (Command === undefined) throw new Error(`no SDK command for DynamoDB ${operation}`);
      return (await client.send(
        new Command(input as never) as Parameters<DynamoDBClient['send']>[0],
      )) as unknown as Record<string, unknown>;
    },
  };
}
