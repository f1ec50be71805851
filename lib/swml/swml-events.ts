import type { SwmlFetch } from '../store/swml-fetch-store';
import { buildEvent } from '../events/build-event';
import type { DomainEvent } from '../events/domain-event';

/** A fetch of a call's SWML script, identified by its delivery (a replay files under the original's id). */
export function swmlFetched(fetch: SwmlFetch): DomainEvent {
  // The envelope's received_at, which the ingest writes; a hand-made envelope may carry anything there.
  const receivedAt = Date.parse(fetch.receivedAt);
  return buildEvent(
    'SWML Fetched',
    // SignalWire's fetch carries no time of its own: the time the SWML function received it.
    {
      occurredAt: Number.isFinite(receivedAt) ? receivedAt : Date.now(),
      subject: `swml-fetch/${fetch.eventId}`,
      change: [fetch.eventId],
    },
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
