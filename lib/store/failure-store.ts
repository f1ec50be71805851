import { GetCommand, PutCommand } from './commands';
import { expiresAt, type TableRef } from './table';

/**
 * The last error of an event that failed and will be retried. When SQS itself moves a message to the DLQ (the
 * worker crashed or timed out on its last delivery, so it could not attach the reason), this is the reason shown.
 */
export interface FailureRecord {
  event_id: string;
  last_error: string;
  attempts: number;
  failed_at: string;
}

export interface FailureStore {
  record(failure: FailureRecord): Promise<void>;
  get(eventId: string): Promise<FailureRecord | undefined>;
}

const key = (eventId: string) => ({ pk: `FAILURE#${eventId}`, sk: 'FAILURE' });

export function createFailureStore(table: TableRef): FailureStore {
  // Kept as long as the DLQ keeps messages (14 days) at least.
  const ttlTable = { ...table, retentionDays: Math.max(table.retentionDays, 15) };
  return {
    async record(failure) {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { ...key(failure.event_id), ...failure, expires_at: expiresAt(ttlTable) },
        }),
      );
    },
    async get(eventId) {
      const { Item } = await table.client.send(new GetCommand({ TableName: table.tableName, Key: key(eventId) }));
      if (Item === undefined) return undefined;
      const { event_id, last_error, attempts, failed_at } = Item as FailureRecord;
      return { event_id, last_error, attempts, failed_at };
    },
  };
}
