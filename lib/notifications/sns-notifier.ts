import { DependencyError, PermanentError } from '../errors';
import { PublishUncertainError, type Notification, type Notifier } from './notifier';
import { publishMayHaveHappened } from './publish-outcome';

export interface PublishInput {
  TopicArn: string;
  Message: string;
  Subject?: string;
  MessageStructure?: 'json';
  MessageAttributes?: Record<string, { DataType: 'String'; StringValue: string }>;
}

/** Publishes once, never retried on its own: resolves with SNS's message id, or rejects with the SDK's error. */
export type SnsPublish = (input: PublishInput) => Promise<{ MessageId?: string }>;

// Errors no retry can fix (a deleted topic, a missing permission, a refused message): dead-lettered with the reason.
const PERMANENT = new Set([
  'NotFoundException',
  'AuthorizationErrorException',
  'InvalidParameterException',
  'InvalidParameterValueException',
]);

/**
 * Publishes to the notifications topic: e-mail subscribers get the readable text, any other protocol the JSON
 * facts (`MessageStructure: json`), and a `kind` message attribute lets subscribers filter.
 * SNS has no idempotency key for a standard topic, so the publish is never retried on its own (lib/aws/sns.ts):
 * a failure is sorted here into "not published" (retryable or permanent) and "maybe published".
 */
export function createSnsNotifier(publish: SnsPublish, topicArn: string): Notifier {
  return {
    async publish(notification: Notification) {
      const facts = {
        kind: notification.kind,
        event_key: notification.eventKey,
        subject: notification.subject,
        ...notification.details,
      };
      try {
        const { MessageId } = await publish({
          TopicArn: topicArn,
          Subject: snsSubject(notification.subject),
          MessageStructure: 'json',
          Message: JSON.stringify({ default: JSON.stringify(facts), email: notification.text }),
          MessageAttributes: { kind: { DataType: 'String', StringValue: notification.kind } },
        });
        return MessageId === undefined ? {} : { id: MessageId };
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        const Failure = PERMANENT.has(name)
          ? PermanentError
          : publishMayHaveHappened(error)
            ? PublishUncertainError
            : DependencyError;
        throw new Failure(`sns: could not publish ${notification.kind} notification (${name || 'error'})`, {
          cause: error,
        });
      }
    },
  };
}

/** SNS subjects: printable ASCII on one line, at most 100 characters. */
export function snsSubject(subject: string): string {
  const ascii = subject
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  return (ascii === '' ? 'notification' : ascii).slice(0, 100);
}
