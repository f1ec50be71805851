import { createClaimStore } from '../../lib/store/claim-store';
import { createMessageStore } from '../../lib/store/message-store';
import { CliError } from '../output';
import type { Target } from '../target';

/** A message with its status timeline and, for an inbound one, what became of its keyword auto-reply. */
export async function showMessage(target: Pick<Target, 'table'>, messageId: string | undefined) {
  if (!messageId) throw new CliError('usage: webhooks messages show <message_id>');
  const [message, reply] = await Promise.all([
    createMessageStore(target.table).get(messageId),
    createClaimStore(target.table, 'REPLY#').get(messageId),
  ]);
  if (message === undefined) throw new CliError(`message ${messageId} not found`);
  if (message.direction !== 'inbound') return message;
  const field = (name: string) => reply?.fields[name] ?? null;
  return {
    ...message,
    // null: no keyword (or not processed yet). `status`: in_progress, retry, sent, failed or skipped.
    auto_reply:
      reply === undefined
        ? null
        : { keyword: field('keyword'), status: reply.status, reply_sid: field('reply_sid'), reason: field('reason'), attempts: reply.attempts },
  };
}
