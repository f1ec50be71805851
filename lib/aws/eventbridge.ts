import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { ClientBudget } from '../config/client-budget';
import { busEntryOf, requestsOf, type BusEntry } from '../events/bus-entries';
import type { PutOnBus } from '../events/publish-events';
import { clientSettings } from './client-settings';

export const createEventBridgeClient = (budget: ClientBudget) => new EventBridgeClient(clientSettings(budget));

/** How often entries that a PutEvents answer reports as failed (throttled, internal) are put again, and after how long. */
const ENTRY_RETRIES = [100, 400];

/**
 * PutEvents on the stage's bus, in requests of at most 10 entries and 256 KB. PutEvents answers 200 even when some
 * entries failed (FailedEntryCount): those, and only those, are put again; what still fails rejects with their
 * error codes, so the delivery is retried (the events keep their ids).
 */
export function putEventsWith(client: EventBridgeClient, busName: string): PutOnBus {
  return async (events) => {
    const requests = requestsOf(events.map((event) => busEntryOf(event, busName)));
    await Promise.all(requests.map((entries) => putAll(client, entries)));
  };
}

async function putAll(client: EventBridgeClient, entries: BusEntry[]): Promise<void> {
  let pending = entries;
  for (let attempt = 0; ; attempt++) {
    const answer = await client.send(new PutEventsCommand({ Entries: pending }));
    if (!answer.FailedEntryCount) return;
    const results = answer.Entries ?? [];
    const failed = pending.filter((_, i) => results[i]?.EventId === undefined);
    if (attempt === ENTRY_RETRIES.length) {
      const codes = [...new Set(results.flatMap((r) => (r.ErrorCode ? [r.ErrorCode] : [])))].join(', ');
      throw new Error(`PutEvents refused ${failed.length} of ${pending.length} entries (${codes || 'no error code'})`);
    }
    pending = failed;
    await new Promise((resolve) => setTimeout(resolve, ENTRY_RETRIES[attempt]));
  }
}
