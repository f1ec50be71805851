import type { Metrics } from '../metrics';
import { PublishUncertainError, type Notifier } from './notifier';

/**
 * A notifier that counts `NotificationUncertain` (dimension Kind) each time a publish may or may not have reached
 * subscribers (reset, timeout, 5xx). Notifications are at most once, so such a notification is never sent again and
 * may be missing: the metric says how often, the archive's outcome (`notification uncertain`) which ones.
 */
export function countingUncertainPublishes(notifier: Notifier, metrics: Pick<Metrics, 'count'>): Notifier {
  return {
    async publish(notification) {
      try {
        return await notifier.publish(notification);
      } catch (error) {
        if (error instanceof PublishUncertainError) metrics.count('NotificationUncertain', { Kind: notification.kind });
        throw error;
      }
    },
  };
}
