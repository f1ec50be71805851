import { PermanentError } from '../errors';
import { EVENT_VERSION, isEventType, type DomainEvent } from '../events/domain-event';
import { sqsSafeJson } from '../queue/sqs-characters';
import type { Destination } from './destination';

/**
 * One event for one destination: the body of a DestinationsQueue message. The worker queues one per destination that
 * wants the event's type (lib/destinations/destination.ts `destinationsFor`); functions/deliver.ts POSTs it. The
 * destination travels by name, so its URL and secret are read where it is delivered (a changed URL applies to the
 * jobs already queued).
 */
export interface DeliveryJob {
  version: 1;
  /** A Destination's `name`. */
  destination: string;
  event: DomainEvent;
}

export function deliveryJob(destination: Pick<Destination, 'name'>, event: DomainEvent): DeliveryJob {
  return { version: 1, destination: destination.name, event };
}

/** The exact message body to queue for a job: JSON, made SQS-safe without changing what it parses to. */
export function deliveryJobBody(job: DeliveryJob): string {
  return sqsSafeJson(JSON.stringify(job));
}

/** A queued message back into a job; anything else can never be delivered (a PermanentError: dead-lettered at once). */
export function parseDeliveryJob(body: string): DeliveryJob {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new PermanentError('delivery job is not JSON');
  }
  const job = value as Partial<DeliveryJob> | null;
  if (job === null || typeof job !== 'object' || job.version !== 1)
    throw new PermanentError('not a delivery job (version 1)');
  if (typeof job.destination !== 'string' || job.destination === '')
    throw new PermanentError('delivery job has no destination');
  const event = job.event as Partial<DomainEvent> | undefined;
  if (event === null || typeof event !== 'object') throw new PermanentError('delivery job has no event');
  if (typeof event.id !== 'string' || event.id === '') throw new PermanentError('delivery job event has no id');
  if (!isEventType(event.type)) throw new PermanentError(`delivery job event has an unknown type (${event.type})`);
  if (event.version !== EVENT_VERSION) throw new PermanentError(`delivery job event is not version ${EVENT_VERSION}`);
  if (typeof event.timestamp !== 'string') throw new PermanentError('delivery job event has no timestamp');
  return job as DeliveryJob;
}
