import { createClaimStore } from '../../lib/store/claim-store';
import { listByFirstSeen } from '../../lib/store/list-by-first-seen';
import { createMessageStore } from '../../lib/store/message-store';
import type { MessageRecord } from '../../lib/messages/message-record';
import { statusRank } from '../../lib/messages/message-status';
import { withReadableCost } from '../record-cost';
import { sinceOption } from '../since';
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
        : {
            keyword: field('keyword'),
            status: reply.status,
            reply_sid: field('reply_sid'),
            reason: field('reason'),
            attempts: reply.attempts,
          },
  };
}

/** `messages show` without --json: the price (`pending` once sent or received and not priced yet) and the reconciler's marks. */
export function readableMessage(message: MessageRecord) {
  return withReadableCost(message, message.status !== null && statusRank(message.status) >= statusRank('sent'));
}

/** `messages list [--since ISO]`: messages (both directions) first seen since then (default: the last 24 h), newest first. */
export async function listMessages(target: Pick<Target, 'table'>, since: string | undefined) {
  const records = await listByFirstSeen(target.table, 'message', sinceOption(since));
  return records.map((r) => ({
    message_id: r.id,
    direction: r.direction ?? null,
    status: r.status ?? null,
    first_seen_at: r.first_seen_at,
    price: r.price ?? null,
    price_unit: r.price_unit ?? null,
  }));
}
