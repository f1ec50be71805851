import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DependencyError, PermanentError } from '../errors';
import type { Notification, Notifier } from './notifier';

// Errors no retry can fix (a deleted topic, a missing permission, a refused message): dead-lettered with the reason.
const PERMANENT = new Set(['NotFoundException', 'AuthorizationErrorException', 'InvalidParameterException', 'InvalidParameterValueException']);

/**
 * Publishes to the notifications topic: e-mail subscribers get the readable text, any other protocol the JSON
 * facts (`MessageStructure: json`), and a `kind` message attribute lets subscribers filter.
 */
export function createSnsNotifier(sns: SNSClient, topicArn: string): Notifier {
  return {
    async publish(notification: Notification) {
      const facts = { kind: notification.kind, event_key: notification.eventKey, subject: notification.subject, ...notification.details };
      try {
        const { MessageId } = await sns.send(
          new PublishCommand({
            TopicArn: topicArn,
            Subject: snsSubject(notification.subject),
            MessageStructure: 'json',
            Message: JSON.stringify({ default: JSON.stringify(facts), email: notification.text }),
            MessageAttributes: { kind: { DataType: 'String', StringValue: notification.kind } },
          }),
        );
        return MessageId === undefined ? {} : { id: MessageId };
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        const Failure = PERMANENT.has(name) ? PermanentError : DependencyError;
        throw new Failure(`sns: could not publish ${notification.kind} notification (${name || 'error'})`, { cause: error });
      }
    },
  };
}

/** SNS subjects: printable ASCII on one line, at most 100 characters. */
export function snsSubject(subject: string): string {
  const ascii = subject.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim();
  return (ascii === '' ? 'notification' : ascii).slice(0, 100);
}
