import type { Message } from '@aws-sdk/client-sqs';
import type { FailureStore } from '../store/failure-store';

/** A dead-lettered delivery as operators see it: the event and why it failed. */
export interface DeadLetter {
  message_id: string;
  event_id: string | null;
  kind: string | null;
  failure_reason: string;
  failure_category: string | null;
  attempts: number | null;
  failed_at: string | null;
  /** A delivery job's (the destinations DLQ): the destination, its last answer's status and body (bounded). */
  destination?: string;
  last_status?: number;
  response_body?: string;
  event: unknown;
}

/** A DLQ message as operators see it: its envelope, and the reason from its attributes or the worker's last recorded error. */
export async function describeDeadLetter(message: Message, failures: FailureStore): Promise<DeadLetter> {
  const attrs = message.MessageAttributes ?? {};
  let event: unknown = message.Body;
  try {
    event = JSON.parse(message.Body ?? '');
  } catch {
    // not JSON: shown as the raw text it is
  }
  const envelope = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  // A delivery job (lib/destinations/delivery-job.ts) names its domain event's id and type instead.
  const domainEvent = (typeof envelope.event === 'object' && envelope.event !== null ? envelope.event : {}) as Record<
    string,
    unknown
  >;
  const eventId =
    typeof envelope.event_id === 'string'
      ? envelope.event_id
      : typeof domainEvent.id === 'string'
        ? domainEvent.id
        : null;
  const kind =
    typeof envelope.kind === 'string' ? envelope.kind : typeof domainEvent.type === 'string' ? domainEvent.type : null;
  let reason = attrs.failure_reason?.StringValue;
  let attempts = attrs.attempts?.StringValue !== undefined ? Number(attrs.attempts.StringValue) : null;
  let failedAt = attrs.failed_at?.StringValue ?? null;
  if (reason === undefined && eventId !== null) {
    // SQS moved it (the worker crashed or timed out on its last delivery): show the last error the worker recorded.
    const failure = await failures.get(eventId).catch(() => undefined);
    if (failure) {
      reason = `moved by SQS after maxReceiveCount; last recorded error: ${failure.last_error}`;
      attempts = Number(message.Attributes?.ApproximateReceiveCount ?? failure.attempts);
      failedAt = failure.failed_at;
    }
  }
  return {
    message_id: message.MessageId!,
    event_id: eventId,
    kind,
    failure_reason: reason ?? 'moved by SQS after maxReceiveCount; no error was recorded (worker crashed or timed out)',
    failure_category: attrs.failure_category?.StringValue ?? (reason === undefined ? null : 'exhausted'),
    attempts,
    failed_at: failedAt,
    ...(typeof envelope.destination === 'string' && { destination: envelope.destination }),
    ...(attrs.last_status?.StringValue !== undefined && { last_status: Number(attrs.last_status.StringValue) }),
    ...(attrs.response_body?.StringValue !== undefined && { response_body: attrs.response_body.StringValue }),
    event,
  };
}
