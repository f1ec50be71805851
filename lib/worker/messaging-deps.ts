import type { SNSClient } from '@aws-sdk/client-sns';
import { booleanEnv, positiveIntEnv } from '../config/env';
import type { ParameterReader } from '../config/secrets';
import type { Logger } from '../log';
import { parseAutoReplyConfig } from '../messages/auto-reply';
import { requireHttpsUrl } from '../security/https-url';
import type { IncomingMessageDeps } from '../messages/apply-incoming-message';
import { createNotify, type Notifier, type Notify } from '../notifications';
import { createLogNotifier } from '../notifications/log-notifier';
import { createSnsNotifier } from '../notifications/sns-notifier';
import { signalWireApiFromEnv } from '../signalwire/api-from-env';
import { createClaimStore } from '../store/claim-store';
import { createMessageStore } from '../store/message-store';
import { createReplyCreditStore } from '../store/reply-credit-store';
import type { Metrics } from '../metrics';
import type { TableRef } from '../store/table';

type Env = Record<string, string | undefined>;

export interface Messaging {
  messages: IncomingMessageDeps;
  /** Once-per-event operator notifications, for any kind (rooms and recordings too). */
  notify: Notify;
  /** The bare publisher, for a use case that claims its notifications itself (video). */
  notifier: Notifier;
}

/**
 * Messaging and notifications as the worker runs them, configured once at cold start from:
 * AUTO_REPLY_KEYWORDS, SIGNALWIRE_* (lib/signalwire/api-from-env.ts), PUBLIC_BASE_URL (receipts come back to its
 * /message-status), REPLY_LEASE_SECONDS (default 90: longer than the worker's 30 s timeout, so a lease only
 * expires once its holder is surely dead), NOTIFY_TOPIC_ARN (blank: notifications are logged) and
 * NOTIFY_INBOUND_SMS (default: on when a topic is configured).
 */
export function createMessaging(env: Env, deps: { table: TableRef; readParameter: ParameterReader; sns: SNSClient; log: Logger; metrics?: Metrics }): Messaging {
  const leaseMs = positiveIntEnv(env, 'REPLY_LEASE_SECONDS', 90) * 1000;
  const topicArn = env.NOTIFY_TOPIC_ARN?.trim() ?? '';
  const notifier = topicArn === '' ? createLogNotifier(deps.log) : createSnsNotifier(deps.sns, topicArn);
  const notify = createNotify({ claims: createClaimStore(deps.table, 'NOTIFY#'), notifier, leaseMs });
  const store = createMessageStore(deps.table);
  const baseUrl = env.PUBLIC_BASE_URL?.trim().replace(/\/+$/, '') ?? '';
  const messages: IncomingMessageDeps = {
    store,
    autoReplies: parseAutoReplyConfig(env),
    reply: {
      claims: createClaimStore(deps.table, 'REPLY#'),
      credits: createReplyCreditStore(deps.table),
      api: signalWireApiFromEnv(env, deps.readParameter, {
        onCredentialsRefused: (error) => {
          deps.log.error('signalwire refused our credentials', { status: error.status, reason: error.message });
          deps.metrics?.count('SignalWireAuthRefused');
        },
      }),
      messages: store,
      // SignalWire posts receipts there: https only (http to loopback for the local stack).
      ...(baseUrl !== '' && { statusCallbackUrl: requireHttpsUrl(`${baseUrl}/message-status`, 'PUBLIC_BASE_URL') }),
      leaseMs,
    },
    ...(booleanEnv(env, 'NOTIFY_INBOUND_SMS', topicArn !== '') && { notify }),
  };
  return { messages, notify, notifier };
}
