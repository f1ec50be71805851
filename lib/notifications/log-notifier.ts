import type { Logger } from '../logger';
import type { Notification, Notifier } from './notifier';

/** Where no topic is configured (the local stack has no SNS emulator): the notification as one JSON log line. */
export function createLogNotifier(log: Logger): Notifier {
  return {
    async publish(notification: Notification) {
      log.info('notification', {
        kind: notification.kind,
        event_key: notification.eventKey,
        subject: notification.subject,
        text: notification.text,
        details: notification.details,
      });
      return {};
    },
  };
}
