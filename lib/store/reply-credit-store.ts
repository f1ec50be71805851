import { UpdateCommand } from './commands';
import { DependencyError } from '../errors';
import type { ReplyCredits } from '../messages/send-auto-reply';
import { expiresAt, isConditionFailure, type TableRef } from './table';

/**
 * Which inbound message each sent reply answers: pk `REPLYSID#<reply sid>`, sk `CREDIT`, `credited_to` the inbound
 * message id. A reply sid is credited once, to one message, so two HELPs from one customer can never both count
 * the same reply as theirs.
 */
export function createReplyCreditStore(table: TableRef): ReplyCredits {
  return {
    async credit(sid, inboundMessageId) {
      try {
        await table.client.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: { pk: `REPLYSID#${sid}`, sk: 'CREDIT' },
            UpdateExpression:
              'SET credited_to = if_not_exists(credited_to, :key), credited_at = if_not_exists(credited_at, :now), expires_at = :ttl',
            // Race closed: two claims reconciling at once (or a reconcile racing the sender) find the same reply;
            // only the first credits it. The same claim crediting it again (a retry after a lost answer) passes.
            ConditionExpression: 'attribute_not_exists(pk) OR credited_to = :key',
            ExpressionAttributeValues: {
              ':key': inboundMessageId,
              ':now': new Date().toISOString(),
              ':ttl': expiresAt(table),
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw new DependencyError(`could not credit reply ${sid}`, { cause: error });
      }
    },
  };
}
