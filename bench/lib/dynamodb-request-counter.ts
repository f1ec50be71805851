import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Counts what a DynamoDBClient sends, by operation (`PutItem`, `UpdateItem`, …), one per HTTP attempt, retries
 * included: the SDK's retry loop is in the `finalizeRequest` step, so a middleware of the later `deserialize` step
 * runs once per attempt. Clear the map between events to count each one on its own.
 */
export function countRequestsByOperation(client: DynamoDBClient): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      return next(args);
    },
    { step: 'deserialize', name: 'benchRequestCounter' },
  );
  return counts;
}
