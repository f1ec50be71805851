import type { PublishEvents } from '../events/publish-events';
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
): PublishEvents {
  return async (events) => {
    const jobs = events.flatMap((event) => destinationsFor(event.type, destinations).map((d) => deliveryJob(d, event)));
    if (jobs.length > 0) await sendMessages(queueUrl, jobs.map(deliveryJobBody));
  };
}
