import { GetCommand, UpdateCommand } from './commands';
import { DependencyError } from '../errors';
import { timelineOf, type MessageRecord, type MessageStore } from '../messages/message-record';
import { MESSAGE_STATUSES, statusRank, type MessageStatus } from '../messages/message-status';
import { costOf } from './record-cost';
import { messageLookup } from '../signalwire/lookup-ref';
import { openIndexFields } from './open-index';
import { statsIndexFields } from './stats-index';
import { expiresAt, isConditionFailure, type TableRef } from './table';
import { buildUpdate, type UpdateSpec } from './update-expression';

const key = (messageId: string) => ({ pk: `MESSAGE#${messageId}`, sk: 'MESSAGE' });

/**
 * One item per message (inbound, our outbound replies, or anything whose receipts reach us). As for calls, each
 * status's time is a top-level `at_<status>` attribute (a map entry cannot be set before the map exists) and
 * `statuses_seen` is the idempotency set. `status_rank` encodes statusSupersedes (message-status.ts).
 */
export function createMessageStore(table: TableRef): MessageStore {
  const write = (messageId: string, clause: Clause) => update(table, messageId, clause);
  return {
    // Race closed: the same inbound message delivered twice and processed at once; only the first write lands.
    recordInbound: (m, by) =>
      write(m.messageId, {
        condition: 'attribute_not_exists(#direction)',
        seen: 'received',
        at: m.occurredAt,
        set: {
          direction: 'inbound',
          from: m.from,
          to: m.to,
          body: m.body,
          media_urls: m.mediaUrls,
          segments: m.segments,
          received_at: new Date(m.occurredAt).toISOString(),
          received_by: by,
        },
        // A `receiving`/`received` callback may have created the item first: never move its status back.
        setIfAbsent: {
          status: 'received',
          status_rank: statusRank('received'),
          lookup: messageLookup(m.messageId, m.shape),
        },
      }),

    // No condition needed: every attribute is set only if absent and the set only grows, so a repeat (a retry
    // after a crash) changes nothing, and receipts that raced ahead of this write keep their higher status.
    recordOutbound: async (reply) => {
      await write(reply.messageId, {
        seen: 'queued',
        at: reply.queuedAt,
        setIfAbsent: {
          direction: 'outbound',
          from: reply.from,
          to: reply.to,
          body: reply.body,
          in_reply_to: reply.inReplyTo,
          status: 'queued',
          status_rank: statusRank('queued'),
          // Sent through the Compatibility API (lib/signalwire/rest-client.ts).
          lookup: messageLookup(reply.messageId, 'cxml'),
        },
        open: true,
      });
    },

    // Race closed: two receipts of one message applied at once. The rank condition lets the later status win
    // whatever the order, terminal ranks are equal so the first terminal status stays; the set refuses repeats.
    advance: (event, by) =>
      write(event.messageId, {
        condition: '(attribute_not_exists(status_rank) OR status_rank < :rank) AND NOT contains(statuses_seen, :seen)',
        conditionValues: { ':rank': statusRank(event.status), ':seen': event.status },
        seen: event.status,
        at: event.occurredAt,
        set: {
          status: event.status,
          status_rank: statusRank(event.status),
          error_code: event.errorCode,
          error_message: event.errorMessage,
          // by_<status>: the delivery that made this change, whose later attempts report its event again.
          [`by_${event.status}`]: by,
        },
        setIfAbsent: { from: event.from, to: event.to, lookup: messageLookup(event.messageId, event.shape) },
        // A message we (or the user's app) sent stays in the open index until its final status and price are known;
        // an inbound one is final when received.
        open: !INBOUND_STATUSES.has(event.status),
        advance: true,
      }),

    // Race closed: one late receipt delivered twice and processed at once; the set lets only one record it.
    recordLate: (event) =>
      write(event.messageId, {
        condition: 'attribute_exists(pk) AND NOT contains(statuses_seen, :seen)',
        conditionValues: { ':seen': event.status },
        seen: event.status,
        at: event.occurredAt,
        setIfAbsent: { error_code: event.errorCode, error_message: event.errorMessage },
      }),

    async get(messageId) {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: key(messageId), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : toMessageRecord(Item);
    },

    async appliedBy(messageId) {
      const { Item = {} } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: key(messageId), ConsistentRead: true }),
      );
      const advanced = Item.statuses_advanced instanceof Set ? [...(Item.statuses_advanced as Set<MessageStatus>)] : [];
      const by = (name: string) => (typeof Item[name] === 'string' ? (Item[name] as string) : undefined);
      return {
        statuses: Object.fromEntries(
          advanced.flatMap((status) => (by(`by_${status}`) ? [[status, by(`by_${status}`)]] : [])),
        ),
        received: by('received_by'),
      };
    },
  };
}

interface Clause extends Pick<UpdateSpec, 'condition' | 'conditionValues' | 'set' | 'setIfAbsent'> {
  seen: MessageStatus;
  at: number;
  /** Files the message in the open index at this change (lib/store/open-index.ts). */
  open?: boolean;
  /** A status the message moves forward to: kept in `statuses_advanced`, whose events a redelivery reports again. */
  advance?: boolean;
}

const INBOUND_STATUSES: ReadonlySet<MessageStatus> = new Set(['receiving', 'received']);

async function update(table: TableRef, messageId: string, clause: Clause): Promise<boolean> {
  const now = new Date().toISOString();
  const spec: UpdateSpec = {
    ...clause,
    set: {
      ...clause.set,
      message_id: messageId,
      updated_at: now,
      expires_at: expiresAt(table),
      ...(clause.open === true && openIndexFields('message', messageId, now)),
    },
    // First seen: also files the message in the stats index (lib/store/stats-index.ts), once.
    setIfAbsent: {
      [`at_${clause.seen}`]: clause.at,
      ...clause.setIfAbsent,
      first_seen_at: now,
      ...statsIndexFields('message', messageId, now),
    },
    add: {
      statuses_seen: new Set([clause.seen]),
      ...(clause.advance === true && { statuses_advanced: new Set([clause.seen]) }),
    },
  };
  try {
    await table.client.send(
      new UpdateCommand({ TableName: table.tableName, Key: key(messageId), ...buildUpdate(spec) }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw new DependencyError('could not store message', { cause: error });
  }
}

function toMessageRecord(item: Record<string, unknown>): MessageRecord {
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : null);
  const times: Partial<Record<MessageStatus, number>> = {};
  for (const status of MESSAGE_STATUSES)
    if (typeof item[`at_${status}`] === 'number') times[status] = item[`at_${status}`] as number;
  return {
    message_id: item.message_id as string,
    direction: text('direction') as MessageRecord['direction'],
    status: text('status') as MessageStatus | null,
    from: text('from'),
    to: text('to'),
    body: text('body'),
    media: Array.isArray(item.media_urls) ? (item.media_urls as string[]) : [],
    segments: typeof item.segments === 'number' ? item.segments : null,
    received_at: text('received_at'),
    timeline: timelineOf(times),
    error_code: text('error_code'),
    error_message: text('error_message'),
    in_reply_to: text('in_reply_to'),
    ...costOf(item),
    first_seen_at: item.first_seen_at as string,
    updated_at: item.updated_at as string,
  };
}
