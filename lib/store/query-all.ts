import { QueryCommand, type QueryCommandInput } from './commands';
import type { TableRef } from './table';

export type QueryInput = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>;

/**
 * The items a Query finds, page after page, until the last page or until `limit` items were read. With a limit,
 * each page asks for at most `pageSize` items and never more than are still wanted.
 */
export async function queryAll(
  table: TableRef,
  input: QueryInput,
  limit = Number.POSITIVE_INFINITY,
  pageSize = 1000,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const wanted = limit - items.length;
    const page = await table.client.send(
      new QueryCommand({
        ...input,
        TableName: table.tableName,
        ExclusiveStartKey: startKey,
        ...(Number.isFinite(limit) && { Limit: Math.min(pageSize, wanted) }),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined && items.length < limit);
  return items;
}
