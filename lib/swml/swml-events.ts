import type { SwmlFetch } from '../store/swml-fetch-store';
import { buildEvent } from '../events/build-event';
import type { DomainEvent } from '../events/domain-event';

/** A fetch of a call's SWML script, identified by its delivery (a replay files under the original's id). */
export function swmlFetched(fetch: SwmlFetch): DomainEvent {
  return buildEvent(
    'SWML Fetched',
    // SignalWire's fetch carries no time of its own: the time the SWML function received it.
    { occurredAt: Date.parse(fetch.receivedAt), subject: `swml-fetch/${fetch.eventId}`, change: [fetch.eventId] },
    {
      fetch_id: fetch.eventId,
      route: fetch.route,
      call_id: fetch.callId,
      from: fetch.from,
      to: fetch.to,
      direction: fetch.direction,
    },
  );
}
