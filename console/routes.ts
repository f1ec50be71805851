import { createArchiveStore } from '../lib/archive/archive-store';
import { eventsOfDelivery } from '../lib/archive/delivery-events';
import { createDeadLetterTools } from '../lib/dlq/dead-letters';
import { createCallStore } from '../lib/store/call-store';
import { createDestinationDeliveryStore } from '../lib/store/destination-delivery-store';
import { createFailureStore } from '../lib/store/failure-store';
import { listByFirstSeen } from '../lib/store/list-by-first-seen';
import { queryStatsRecords } from '../lib/store/stats-store';
import { createRoomStore } from '../lib/store/room-store';
import { statsWindow, summarizeStats } from '../lib/stats/summarize-stats';
import { showMessage } from '../cli/commands/messages';
import { recordingCopy, recordingLink } from '../cli/commands/recordings';
import { CliError } from '../cli/output';
import type { Target } from '../cli/target';
import type { FeedBuffer } from './feed-buffer';
import { html, type Html } from './html';
import { callDetail } from './views/call';
import { deliveryDetail } from './views/delivery';
import { dlqSection, redriveNotice } from './views/dlq';
import { feedRows, feedSection } from './views/feed';
import { messageDetail } from './views/message';
import { notFound, recordList } from './views/records';
import { roomDetail } from './views/room';
import { statsSection, WINDOWS } from './views/stats';

export interface ConsoleRequest {
  method: string;
  path: string[];
  query: URLSearchParams;
  form: URLSearchParams;
}

/** A section of the page (`section`: its nav entry), a fragment an htmx request swaps in, or a redirect elsewhere. */
export type ConsoleAnswer = { section?: string; body: Html } | { redirect: string } | undefined;

/**
 * How long the pre-signed URL a recording link redirects to stays valid: made afresh on each click (the page holds
 * only the console's link), and long enough for a player to keep seeking through a long recording.
 */
const RECORDING_LINK_SECONDS = 3600;

const dayAgo = () => new Date(Date.now() - 86_400_000).toISOString();

/** The console's pages: the same reads and operations as the CLI, on the CLI's target. */
export function createConsoleRoutes(target: Target, feed: FeedBuffer) {
  const dlq = createDeadLetterTools(target.sqs, target, createFailureStore(target.table));
  const calls = createCallStore(target.table);
  const rooms = createRoomStore(target.table);
  const archive = createArchiveStore(target.table);
  const deliveryStates = createDestinationDeliveryStore(target.table);

  return async function route(request: ConsoleRequest): Promise<ConsoleAnswer> {
    const [section = 'feed', id, action] = request.path;
    const get = request.method === 'GET';
    switch (section) {
      case 'feed':
        if (get && id === 'rows') return { body: feedRows(feed.since(Number(request.query.get('after') ?? 0))) };
        if (get && id === undefined) return { section, body: feedSection(feed.since(0).slice(0, 100)) };
        return undefined;
      case 'deliveries': {
        // `/deliveries/<event_id>`: a feed row's delivery, its events and each destination's state (under the feed).
        if (!get || id === undefined || action !== undefined) return undefined;
        const entry = await archive.get(id);
        if (entry === undefined) return { section: 'feed', body: notFound(`delivery ${id}`) };
        return { section: 'feed', body: deliveryDetail(entry, await eventsOfDelivery(entry, deliveryStates)) };
      }
      case 'calls': {
        if (!get) return undefined;
        if (id === undefined)
          return {
            section,
            body: recordList('calls', 'Calls', await listByFirstSeen(target.table, 'call', dayAgo(), 200)),
          };
        const call = await calls.get(id);
        return { section, body: call ? callDetail(call) : notFound(`call ${id}`) };
      }
      case 'messages': {
        if (!get) return undefined;
        if (id === undefined)
          return {
            section,
            body: recordList('messages', 'Messages', await listByFirstSeen(target.table, 'message', dayAgo(), 200)),
          };
        const message = await showMessage(target, id).catch(() => undefined);
        return { section, body: message ? messageDetail(message) : notFound(`message ${id}`) };
      }
      case 'rooms': {
        if (!get) return undefined;
        if (id === undefined)
          return {
            section,
            body: recordList('rooms', 'Rooms', await listByFirstSeen(target.table, 'room', dayAgo(), 200)),
          };
        const room = await rooms.get(id);
        return { section, body: room ? roomDetail(room) : notFound(`room session ${id}`) };
      }
      case 'recordings': {
        // `/recordings/<recording_id>`: the room page's link to a copy, answered with a fresh pre-signed URL.
        if (!get || id === undefined || action !== undefined) return undefined;
        try {
          const copy = await recordingCopy(target, id);
          return { redirect: (await recordingLink(target, copy, RECORDING_LINK_SECONDS)).url };
        } catch (error) {
          if (!(error instanceof CliError)) throw error;
          return { section: 'rooms', body: html`<section><p class="empty">${error.message}</p></section>` };
        }
      }
      case 'dlq': {
        if (get && id === undefined) return { section, body: dlqSection(await dlq.list()) };
        if (request.method !== 'POST' || action !== undefined) return undefined;
        const messageId = request.form.get('id') ?? undefined;
        if (id === 'redrive') {
          const report = await dlq.redrive(messageId === undefined ? undefined : [messageId]);
          return { body: dlqSection(await dlq.list(), redriveNotice(report)) };
        }
        if (id === 'replay' && messageId !== undefined) {
          const replayed = await dlq.replay(messageId);
          const notice = replayed
            ? `queued a copy of ${messageId} as event ${replayed.replayed_as}`
            : `dead letter ${messageId} not found`;
          return { body: dlqSection(await dlq.list(), notice) };
        }
        return undefined;
      }
      case 'stats': {
        if (!get) return undefined;
        const asked = Number(request.query.get('hours') ?? 24);
        const hours = WINDOWS.some(([h]) => h === asked) ? asked : 24;
        const window = statsWindow({ hours: String(hours) });
        return {
          section,
          body: statsSection(summarizeStats(await queryStatsRecords(target.table, window), window), hours),
        };
      }
      default:
        return undefined;
    }
  };
}
