import type { DomainEvent } from './domain-event';

/**
 * Where a use case reports the events of the changes it applied (lib/worker/process-batch.ts publishes them before
 * the delivery is acknowledged). The write that applies a change also records which delivery made it (`delivery`);
 * a later attempt of that same delivery that finds its change applied reports the change's events again, with the
 * same ids: it may be an SQS redelivery after a crash or a failed publish, the SDK's retry of a write whose answer was
 * lost, or a replay of a delivery not known to be done (dead-lettered). Another delivery of the same change
 * (SignalWire's duplicate, or a replay of a delivery the archive shows done) finds it applied by someone else and
 * reports nothing. So duplicates reach users only after a fault, always with the same id.
 */
export interface ChangeEvents {
  /**
   * The delivery's identity: its event id, or for a replay of a delivery not known to be done, the original's
   * (lib/worker/process-batch.ts). Blank: none (nothing is re-reported).
   */
  readonly delivery: string;
  emit(event: DomainEvent): void;
}

/** A sink that keeps each event once (by id), in the order reported. */
export function collectEvents(delivery: string): ChangeEvents & { readonly events: DomainEvent[] } {
  const byId = new Map<string, DomainEvent>();
  return {
    delivery,
    emit(event) {
      if (!byId.has(event.id)) byId.set(event.id, event);
    },
    get events() {
      return [...byId.values()];
    },
  };
}

/** For callers that publish nothing (tests of other concerns). */
export const NO_EVENTS: ChangeEvents = { delivery: '', emit() {} };

/** Whether a change found already applied was applied by this very delivery (so its events may not be out yet). */
export const appliedByThis = (events: ChangeEvents, appliedBy: string | undefined): boolean =>
  events.delivery !== '' && appliedBy === events.delivery;

/**
 * appliedByThis for a change whose applier must be read from the store first: `readAppliedBy` runs only when there is
 * a delivery to compare with (a sink without one never re-reports, and costs no read).
 */
export async function readAppliedByThis(
  events: ChangeEvents,
  readAppliedBy: () => Promise<string | undefined>,
): Promise<boolean> {
  return events.delivery !== '' && appliedByThis(events, await readAppliedBy());
}
