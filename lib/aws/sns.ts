import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SnsPublish } from '../notifications/sns-notifier';
import type { ClientBudget } from '../config/client-budget';
import { clientSettings } from './client-settings';

/** SNS never retries on its own: a standard topic cannot deduplicate, so whether to publish again is lib/notifications' call. */
export const createSnsClient = (budget: Omit<ClientBudget, 'maxAttempts'>) =>
  new SNSClient(clientSettings({ ...budget, maxAttempts: 1 }));

export function publishWith(client: SNSClient): SnsPublish {
  return async (input) => {
    const { MessageId } = await client.send(new PublishCommand(input));
    return MessageId === undefined ? {} : { MessageId };
  };
}
