import { ALL_OUT, type QueueForDestinations } from '../events/publish-events';
import type { SendMessages } from '../queue/send-message';
import { deliveryJob, deliveryJobBody } from './delivery-job';
import { type Destination, destinationsFor } from './destination';

/**
 * The worker's side of the destinations: one DestinationsQueue message per event and destination that wants its
 * type (functions/deliver.ts delivers each with its own retries), all sent before the delivery is acknowledged.
 */
export function queueForDestinations(
  sendMessages: SendMessages,
  queueUrl: string,
  destinations: readonly Destination[],
): QueueForDestinations {
  return async (events) => {
    const jobs = events.flatMap((event) => destinationsFor(event.type, destinations).map((d) => deliveryJob(d, event)));
    if (jobs.length === 0) return ALL_OUT;
    const { failed, reason } = await sendMessages(queueUrl, jobs.map(deliveryJobBody));
    // An event is out once every destination's job for it is queued: otherwise its delivery comes back for all.
    return failed.length === 0 ? ALL_OUT : { ids: new Set(failed.map((i) => jobs[i]!.event.id)), reason };
  };
}
