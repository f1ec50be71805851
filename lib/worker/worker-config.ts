import type { ClientBudget } from '../config/client-budget';
import { ConfigError } from '../errors';
import { booleanEnv, positiveIntEnv, requireEnv } from '../config/env';
import { readRuntimeConfig, type RuntimeConfig } from '../config/runtime-config';
import { readSecretSource } from '../config/secrets';
import { type Destination, parseDestinations } from '../destinations/destination';
import { parseAutoReplyConfig, type AutoReplyConfig } from '../messages/auto-reply';
import type { StatusCallbackChecks } from '../messages/status-callback';
import { requireHttpsUrl } from '../security/https-url';
import { readSignalWireApiSettings, type SignalWireApiSettings } from '../signalwire/api-from-env';
import { retryBackoff, type RetryBackoff } from './retry-delay';

type Env = Readonly<Record<string, string | undefined>>;

export interface MessagingConfig {
  /** REPLY_LEASE_SECONDS (default 90: longer than the worker's 30 s timeout, so a lease only expires once its holder is surely dead). */
  leaseMs: number;
  /** NOTIFY_TOPIC_ARN; blank: notifications are logged. */
  topicArn: string;
  /** NOTIFY_INBOUND_SMS (default: on when a topic is configured). */
  notifyInboundSms: boolean;
  /**
   * RECORDINGS_BUCKET: the stage's recordings bucket, named in `recording.ready` notifications (`s3_location`, where
   * the copy lands); blank: notifications name no copy.
   */
  recordingsBucket: string | undefined;
  /**
   * Where SignalWire posts our replies' receipts: WEBHOOK_PUBLIC_BASE_URL (what the ingest's checks expect, when set)
   * or PUBLIC_BASE_URL, + /message-status (https only; http to loopback locally).
   */
  statusCallbackBaseUrl: string | undefined;
  /** WEBHOOK_BASIC_AUTH and WEBHOOK_QUERY_SECRET (or their `_PARAMETER`): the receipts must pass the ingest's checks. */
  statusCallbackChecks: StatusCallbackChecks;
  /** AUTO_REPLY_KEYWORDS. */
  autoReplies: AutoReplyConfig;
  /** SIGNALWIRE_* (lib/signalwire/api-from-env.ts); undefined: no API, replies are skipped. */
  signalWire: SignalWireApiSettings | undefined;
}

export interface WorkerConfig {
  runtime: RuntimeConfig;
  tableName: string;
  /** RETENTION_DAYS (default 90). */
  retentionDays: number;
  dlqUrl: string;
  /** MAX_RECEIVE_COUNT: the queue's redrive maxReceiveCount (default 5). */
  maxReceiveCount: number;
  /** QUEUE_URL: the webhook queue, on which a failed record's next delivery is set (ChangeMessageVisibility). */
  queueUrl: string;
  /**
   * When a failed record comes back: from 2 s, four times longer by delivery, capped 1 s below both the queue's visibility
   * timeout (QUEUE_VISIBILITY_TIMEOUT_SECONDS, default 181: serverless.yml's) and the claims' lease.
   */
  retryBackoff: RetryBackoff;
  messaging: MessagingConfig;
  /** RECORDINGS_QUEUE_URL: completed recordings are queued there for the copier; blank: no copies. */
  recordingsQueueUrl: string;
  /** EVENT_BUS_NAME: the stage's bus, where every applied change's event is put; blank: no bus. */
  eventBusName: string;
  /** DESTINATIONS (the `destinations` param) and DESTINATIONS_QUEUE_URL, where one job per event and destination goes. */
  destinations: readonly Destination[];
  destinationsQueueUrl: string;
  /** PutEvents: an answer within 2 s, three tries (the SDK's retry rules), then the delivery is retried by SQS. */
  eventBridge: ClientBudget;
  /**
   * DynamoDB is the hot path: an answer that has not come within 1 s is tried again rather than awaited until the
   * function times out (one hung request would hold its whole batch). Every write is conditional or idempotent, so a
   * timed-out request that lands after its retry changes nothing.
   */
  dynamodb: ClientBudget;
  /** Dead letters, and the retries' delays (ChangeMessageVisibility). */
  sqs: ClientBudget;
  /** Notifications: one try (lib/notifications sorts what failed into "not published" and "maybe published"). */
  sns: Omit<ClientBudget, 'maxAttempts'>;
  /** The SignalWire API token, cached per container. */
  ssm: ClientBudget;
}

/** The worker's whole environment, read and validated once at cold start; a bad value throws a ConfigError naming it. */
export function readWorkerConfig(env: Env): WorkerConfig {
  const messaging = readMessagingConfig(env);
  return {
    runtime: readRuntimeConfig(env),
    tableName: requireEnv(env, 'TABLE_NAME'),
    retentionDays: positiveIntEnv(env, 'RETENTION_DAYS', 90),
    dlqUrl: requireEnv(env, 'DLQ_URL'),
    maxReceiveCount: positiveIntEnv(env, 'MAX_RECEIVE_COUNT', 5),
    queueUrl: requireEnv(env, 'QUEUE_URL'),
    retryBackoff: retryBackoff({
      baseSeconds: 2,
      visibilityTimeoutSeconds: positiveIntEnv(env, 'QUEUE_VISIBILITY_TIMEOUT_SECONDS', 181),
      leaseSeconds: messaging.leaseMs / 1000,
    }),
    messaging,
    recordingsQueueUrl: env.RECORDINGS_QUEUE_URL?.trim() ?? '',
    eventBusName: env.EVENT_BUS_NAME?.trim() ?? '',
    ...readDestinations(env),
    eventBridge: { maxAttempts: 3, connectionTimeoutMs: 1000, requestTimeoutMs: 2000 },
    dynamodb: { maxAttempts: 3, connectionTimeoutMs: 1000, requestTimeoutMs: 1000 },
    sqs: { maxAttempts: 3, connectionTimeoutMs: 1000, requestTimeoutMs: 2000 },
    sns: { connectionTimeoutMs: 1000, requestTimeoutMs: 3000 },
    ssm: { maxAttempts: 2, connectionTimeoutMs: 1000, requestTimeoutMs: 2000 },
  };
}

function readDestinations(env: Env): Pick<WorkerConfig, 'destinations' | 'destinationsQueueUrl'> {
  const destinations = parseDestinations(env.DESTINATIONS, {
    allowLoopback: booleanEnv(env, 'DESTINATIONS_ALLOW_LOOPBACK', false),
  });
  const destinationsQueueUrl = env.DESTINATIONS_QUEUE_URL?.trim() ?? '';
  if (destinations.length > 0 && destinationsQueueUrl === '')
    throw new ConfigError('DESTINATIONS_QUEUE_URL: required when destinations are configured');
  return { destinations, destinationsQueueUrl };
}

function readMessagingConfig(env: Env): MessagingConfig {
  const topicArn = env.NOTIFY_TOPIC_ARN?.trim() ?? '';
  const baseUrl = (env.WEBHOOK_PUBLIC_BASE_URL?.trim() || env.PUBLIC_BASE_URL?.trim() || '').replace(/\/+$/, '');
  return {
    leaseMs: positiveIntEnv(env, 'REPLY_LEASE_SECONDS', 90) * 1000,
    topicArn,
    notifyInboundSms: booleanEnv(env, 'NOTIFY_INBOUND_SMS', topicArn !== ''),
    recordingsBucket: env.RECORDINGS_BUCKET?.trim() || undefined,
    statusCallbackBaseUrl: baseUrl === '' ? undefined : requireHttpsUrl(baseUrl, 'PUBLIC_BASE_URL'),
    statusCallbackChecks: {
      basicAuth: readSecretSource(env, 'WEBHOOK_BASIC_AUTH'),
      querySecret: readSecretSource(env, 'WEBHOOK_QUERY_SECRET'),
    },
    autoReplies: parseAutoReplyConfig(env),
    signalWire: readSignalWireApiSettings(env),
  };
}
