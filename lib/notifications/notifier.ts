import { WebhookError } from '../errors';

/**
 * Operator notifications (an inbound SMS forwarded, a room started, a recording ready). The port is what a use
 * case calls; lib/notifications/sns-notifier.ts publishes to the SNS topic (e-mail subscribers), and
 * lib/notifications/log-notifier.ts writes a JSON log line where no topic exists (the local stack).
 */
type NotificationKind = 'message.inbound' | 'room.started' | 'recording.ready';

export interface Notification {
  /** The event it is about; published at most once per key, e.g. `message.inbound:<message id>`. */
  eventKey: string;
  kind: NotificationKind;
  /** One line, e.g. `SMS from +15551230000`. */
  subject: string;
  /** Readable body: what an e-mail subscriber sees. */
  text: string;
  /** The same facts for machine subscribers (the JSON default message). */
  details: Record<string, unknown>;
}

export interface Notifier {
  /**
   * Publishes once per call (no retry inside: a retried publish whose first try went through is a duplicate).
   * Throws DependencyError when it surely did not publish and a retry may succeed, PermanentError when it never
   * can, PublishUncertainError when the publish may have reached subscribers.
   */
  publish(notification: Notification): Promise<{ id?: string }>;
}

/**
 * The publish may have gone through (the connection broke or timed out after the request left, or the service
 * failed with a 5xx): publishing again could notify twice, so notifications treat it as done (at most once).
 */
export class PublishUncertainError extends WebhookError {
  override readonly name: string = 'PublishUncertainError';
}
