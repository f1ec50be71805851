import { createDynamoDbJsonClient, type DynamoDbSender } from '../../lib/aws/dynamodb-json-client';

/** The functions' DynamoDB client (signed JSON requests, the SDK's retry rules) against an emulator's endpoint. */
export function leanDynamoDb(endpoint: string, options: { onAttempt?(operation: string): void; requestTimeoutMs?: number } = {}): DynamoDbSender {
  return createDynamoDbJsonClient({ credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'local' }), region: 'us-east-1', endpoint, ...options });
}
