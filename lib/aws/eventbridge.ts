import { errorMessage } from '../errors';
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import type { ClientBudget } from '../config/client-budget';
import { busEntryOf, requestsOf, type BusEntry } from '../events/bus-entries';
import { ALL_OUT, type PutOnBus, type Unpublished } from '../events/publish-events';
import { clientSettings } from './client-settings';

export const createEventBridgeClient = (budget: ClientBudget) => new EventBridgeClient(clientSettings(budget));

/** How often entries that a PutEvents answer reports as failed (throttled, internal) are put again, and after how long. */
const ENTRY_RETRIES = [100, 400];

/**
 * PutEvents on the stage's bus, in requests of at most 10 entries and 256 KB. PutEvents answers 200 even when some
 * entries failed (FailedEntryCount): those, and only those, are put again. What is still not on the bus (those
 * entries, or a whole request the SDK gave up on) is answered by event id, so only their deliveries are retried (the
 * events keep their ids).
 */
export function putEventsWith(client: EventBridgeClient, busName: string): PutOnBus {
  return async (events) => {
    const keyed = events.map((event) => ({ id: event.id, entry: busEntryOf(event, busName) }));
    const requests = requestsOf(keyed, (item) => item.entry);
    const results = await Promise.all(requests.map((entries) => putAll(client, entries)));
    const ids = new Set(results.flatMap((r) => [...r.ids]));
    if (ids.size === 0) return ALL_OUT;
    return { ids, reason: results.flatMap((r) => (r.reason ? [r.reason] : [])).join('; ') };
  };
}

/** An entry and its event's id, by which what is left undone is answered. */
type Keyed = { id: string; entry: BusEntry };

async function putAll(client: EventBridgeClient, entries: Keyed[]): Promise<Unpublished> {
  let pending = entries;
  for (let attempt = 0; ; attempt++) {
    let answer: PutEventsCommandOutput;
    try {
      answer = await client.send(new PutEventsCommand({ Entries: pending.map((item) => item.entry) }));
    } catch (error) {
      return { ids: idsOf(pending), reason: `PutEvents failed: ${errorMessage(error)}` };
    }
    if (!answer.FailedEntryCount) return ALL_OUT;
    const results = answer.Entries ?? [];
    const failed = pending.filter((_, i) => results[i]?.EventId === undefined);
    if (attempt === ENTRY_RETRIES.length) {
      const codes = [...new Set(results.flatMap((r) => (r.ErrorCode ? [r.ErrorCode] : [])))].join(', ');
      return {
        ids: idsOf(failed),
        reason: `PutEvents refused ${failed.length} of ${pending.length} entries (${codes || 'no error code'})`,
      };
    }
    pending = failed;
    await new Promise((resolve) => setTimeout(resolve, ENTRY_RETRIES[attempt]));
  }
}

const idsOf = (entries: Keyed[]) => new Set(entries.map((item) => item.id));
