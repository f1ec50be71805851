import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, type TableRef } from '../../lib/store/table';
import { sdkDynamoDb } from '../../lib/aws/dynamodb-sdk-sender';
import { startDynamoDb } from '../../local/emulators';
import { loadServerlessConfig } from '../../local/serverless-config';
import { PROJECT_ROOT } from '../../local/stack';

export interface TestTable {
  table: TableRef;
  /** The emulator's endpoint (a process of the test's own, e.g. a copier measured apart). */
  endpoint: string;
  stop(): Promise<void>;
}

/** The serverless.yml events table in a DynamoDB emulator (dynalite, in memory) of its own, on a free loopback port. */
export async function startTestTable(): Promise<TestTable> {
  const emulator = await startDynamoDb();
  const client = new DynamoDBClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const props = loadServerlessConfig(`${PROJECT_ROOT}/serverless.yml`, 'local').resources.EventsTable!
    .Properties as unknown as CreateTableCommandInput;
  const { TableName, AttributeDefinitions, KeySchema, BillingMode, GlobalSecondaryIndexes } = props;
  await client.send(
    new CreateTableCommand({ TableName, AttributeDefinitions, KeySchema, BillingMode, GlobalSecondaryIndexes }),
  );
  return {
    // The stores as the deployed functions run them: over the SDK's DynamoDBClient.
    table: { client: createDocumentClient(sdkDynamoDb(client)), tableName: String(TableName), retentionDays: 90 },
    endpoint: emulator.endpoint,
    async stop() {
      client.destroy();
      await emulator.stop();
    },
  };
}
