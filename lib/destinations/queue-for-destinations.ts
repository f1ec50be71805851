import type { PublishEvents } from '../events/publish-events';
import type { SendMessage } from '../queue/send-message';
import { deliveryJob, deliveryJobBody } from './delivery-job';
import { type Destination, destinationsFor } from './destination';

/**
 * The worker's side of the destinations: one DestinationsQueue message per event and destination that wants its
 * type (functions/deliver.ts delivers each with its own retries), all sent before the delivery is acknowledged.
 */
export function queueForDestinations(
  sendMessage: SendMessage,
  queueUrl: string,
  destinations: readonly Destination[],
): PublishEvents {
  return async (events) => {
    const jobs = events.flatMap((event) => destinationsFor(event.type, destinations).map((d) => deliveryJob(d, event)));
    await Promise.all(jobs.map((job) => sendMessage(queueUrl, deliveryJobBody(job))));
  };
}
