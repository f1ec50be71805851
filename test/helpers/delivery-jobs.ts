import { randomBytes, randomUUID } from 'node:crypto';
import { type DomainEvent, stableEventId } from '../../lib/events/domain-event';
import { deliveryJob, deliveryJobBody } from '../../lib/destinations/delivery-job';

/** A Standard Webhooks secret as an operator makes one: `whsec_` and 32 random bytes in base64. */
export const newSigningSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** A `Call Ended` event as the worker would publish it (a fresh call each time unless given). */
export function callEndedEvent(callId = `c-${randomUUID()}`): DomainEvent<'Call Ended'> {
  const endedAt = '2025-01-15T10:05:00.000Z';
  return {
    id: stableEventId('Call Ended', `call/${callId}`, 'ended'),
    type: 'Call Ended',
    version: 1,
    timestamp: endedAt,
    subject: `call/${callId}`,
    data: { call_id: callId, duration_seconds: 42, ended_at: endedAt, from: '+15551230000', to: '+15559870000' },
  };
}

/** The queued body of a job delivering `event` to the destination named `destination`. */
export const jobBody = (destination: string, event: DomainEvent = callEndedEvent()) =>
  deliveryJobBody(deliveryJob({ name: destination }, event));
