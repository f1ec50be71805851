import { errorText, failed, isRefusal, passed, reachFix, type Check } from './check';
import { LOCAL_CREDENTIALS } from './local-stage';
import { optionalModule } from './optional-module';
import type { StageView } from './stage-view';

const NAME = 'notifications topic';

/**
 * Whether the notifications topic (where the alarms and notifications are meant to go) has a confirmed subscriber
 * (SNS ListSubscriptionsByTopic). Locally the SNS stand-in may not answer it: "not checked locally", and no
 * subscriber is no failure there (nothing is delivered to subscribers locally).
 */
export async function checkTopic(view: StageView): Promise<Check> {
  if (view.topicArn === undefined) {
    if (view.local) return passed(NAME, `not checked locally: ${view.topicUnknownBecause}`);
    const because = view.topicUnknownBecause ?? 'the stack names no topic';
    const fix = because.startsWith('could not')
      ? isRefusal(because)
        ? 'your credentials need cloudformation:DescribeStacks on the stack'
        : reachFix(view.region)
      : `deploy this tree to the stage (npx serverless deploy --stage ${view.stage} --region ${view.region})`;
    return failed(NAME, `unknown: ${because}`, fix);
  }
  const sns = await optionalModule(() => import('@aws-sdk/client-sns'));
  if (sns === undefined) return passed(NAME, 'not checked: @aws-sdk/client-sns is not installed');
  const client = new sns.SNSClient(
    view.local
      ? { region: view.region, endpoint: view.snsEndpoint, credentials: LOCAL_CREDENTIALS }
      : { region: view.region },
  );
  const subscriptions: { protocol: string; confirmed: boolean }[] = [];
  try {
    let next: string | undefined;
    do {
      const page = await client.send(
        new sns.ListSubscriptionsByTopicCommand({ TopicArn: view.topicArn, NextToken: next }),
      );
      for (const s of page.Subscriptions ?? [])
        subscriptions.push({
          protocol: s.Protocol ?? '?',
          confirmed: s.SubscriptionArn?.startsWith('arn:') === true,
        });
      next = page.NextToken;
    } while (next);
  } catch (error) {
    if (view.local)
      return passed(
        NAME,
        `not checked locally: the SNS stand-in does not answer ListSubscriptionsByTopic (${errorText(error)})`,
      );
    const detail = errorText(error);
    return failed(
      NAME,
      `could not list the subscribers of ${view.topicArn}: ${detail}`,
      isRefusal(detail) ? 'your credentials need sns:ListSubscriptionsByTopic on the topic' : reachFix(view.region),
    );
  } finally {
    client.destroy();
  }
  const confirmed = subscriptions.filter((s) => s.confirmed);
  const pending = subscriptions.length - confirmed.length;
  const pendingNote =
    pending > 0 ? `; ${pending} pending confirmation (an e-mail subscriber must click the link SNS sent)` : '';
  if (confirmed.length > 0)
    return passed(
      NAME,
      `${view.topicArn}: ${confirmed.length} confirmed subscriber${confirmed.length === 1 ? '' : 's'} (${[...new Set(confirmed.map((s) => s.protocol))].join(', ')})${pendingNote}`,
    );
  if (view.local)
    return passed(NAME, `${view.topicArn}: no subscriber (none needed locally: nothing is delivered to subscribers)`);
  return failed(
    NAME,
    `${view.topicArn}: no confirmed subscriber${pendingNote}: alarms and notifications reach nobody`,
    `set notifyEmail in serverless.yml's params for ${view.stage} and deploy, or: aws sns subscribe --region ${view.region} --topic-arn ${view.topicArn} --protocol email --notification-endpoint you@example.com (then confirm the e-mail)`,
  );
}
