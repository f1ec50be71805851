/**
 * Operator notifications (an inbound SMS forwarded, a room started, a recording ready). The port is what a use
 * case calls; lib/notifications/sns-notifier.ts publishes to the SNS topic (e-mail subscribers), and
 * lib/notifications/log-notifier.ts writes a JSON log line where no topic exists (the local stack).
 */
export type NotificationKind = 'message.inbound' | 'room.started' | 'recording.ready';

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
  /** Publishes once per call; throws DependencyError to be retried, PermanentError when it never can. */
  publish(notification: Notification): Promise<{ id?: string }>;
}
