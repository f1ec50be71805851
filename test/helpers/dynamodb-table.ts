import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, type TableRef } from '../../lib/store/table';
import { sdkDynamoDb } from '../../lib/aws/dynamodb-sdk-sender';
import { startDynamoDb, type Emulator } from '../../local/emulators';

/** A fresh single table (pk, sk) on its own DynamoDB emulator; `stop` ends the emulator. */
export async function startTable(): Promise<{
  table: TableRef;
  dynamodb: DynamoDBClient;
  endpoint: string;
  stop(): Promise<void>;
}> {
  const emulator: Emulator = await startDynamoDb();
  const dynamodb = new DynamoDBClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'events',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  // The stores as the deployed functions run them: over the SDK's DynamoDBClient.
  const table: TableRef = {
    client: createDocumentClient(sdkDynamoDb(dynamodb)),
    tableName: 'events',
    retentionDays: 90,
  };
  return {
    table,
    dynamodb,
    endpoint: emulator.endpoint,
    async stop() {
      dynamodb.destroy();
      await emulator.stop();
    },
  };
}
