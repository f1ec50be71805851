import type { ClientBudget } from '../config/client-budget';
import { booleanEnv, positiveIntEnv, requireEnv } from '../config/env';
import { readRuntimeConfig, type RuntimeConfig } from '../config/runtime-config';
import { parseDestinations, type Destination } from '../destinations/destination';
import { DEFAULT_DELIVERY_BACKOFF, SQS_MAX_DELAY_SECONDS, type DeliveryBackoff } from '../destinations/retry-policy';
import { ConfigError } from '../errors';

type Env = Readonly<Record<string, string | undefined>>;

export interface DeliverConfig {
  runtime: RuntimeConfig;
  /** DESTINATIONS: the `destinations` param (JSON), checked here at cold start. */
  destinations: Destination[];
  /** DESTINATIONS_SECRET_PREFIX: a destination's secret is the SSM parameter `<prefix><name>`. */
  secretPrefix: string;
  /** QUEUE_URL: the DestinationsQueue (a retry's backoff); DLQ_URL: its dead letters. */
  queueUrl: string;
  dlqUrl: string;
  /** MAX_RECEIVE_COUNT: the queue's redrive maxReceiveCount. */
  maxReceiveCount: number;
  /**
   * DELIVER_RETRY_BASE_SECONDS (60), DELIVER_RETRY_CAP_SECONDS (6 h) and DELIVER_GIVE_UP_SECONDS (a day): the tests
   * shorten them; deployed, the defaults apply.
   */
  backoff: DeliveryBackoff;
  /** DELIVER_TIMEOUT_MS (10 s): one try, connecting included. */
  timeoutMs: number;
  /** How much of an answer's body is read, for the dead letter (4 KiB). */
  maxResponseBodyBytes: number;
  /** DESTINATIONS_ALLOW_LOOPBACK: http://127.0.0.1 destinations (the local stack and tests; never deployed). */
  allowLoopback: boolean;
  /**
   * TABLE_NAME: where each try's state is filed for operators (`webhooks events show`); blank: not filed (delivering
   * never depends on it). RETENTION_DAYS (90): how long a state is kept after its last try.
   */
  tableName: string;
  retentionDays: number;
  sqs: ClientBudget;
  ssm: ClientBudget;
  /** The state writes (one UpdateItem per try): two quick tries, then the failure is logged and delivering goes on. */
  dynamodb: ClientBudget;
}

export function readDeliverConfig(env: Env): DeliverConfig {
  const allowLoopback = booleanEnv(env, 'DESTINATIONS_ALLOW_LOOPBACK', false);
  const capSeconds = positiveIntEnv(env, 'DELIVER_RETRY_CAP_SECONDS', DEFAULT_DELIVERY_BACKOFF.capSeconds);
  if (capSeconds > SQS_MAX_DELAY_SECONDS)
    throw new ConfigError(`DELIVER_RETRY_CAP_SECONDS must be at most ${SQS_MAX_DELAY_SECONDS} (SQS: 12 h)`);
  return {
    runtime: readRuntimeConfig(env),
    destinations: parseDestinations(env.DESTINATIONS, { allowLoopback }),
    secretPrefix: requireEnv(env, 'DESTINATIONS_SECRET_PREFIX'),
    queueUrl: requireEnv(env, 'QUEUE_URL'),
    dlqUrl: requireEnv(env, 'DLQ_URL'),
    maxReceiveCount: positiveIntEnv(env, 'MAX_RECEIVE_COUNT', 20),
    backoff: {
      baseSeconds: positiveIntEnv(env, 'DELIVER_RETRY_BASE_SECONDS', DEFAULT_DELIVERY_BACKOFF.baseSeconds),
      capSeconds,
      giveUpAfterSeconds: positiveIntEnv(env, 'DELIVER_GIVE_UP_SECONDS', DEFAULT_DELIVERY_BACKOFF.giveUpAfterSeconds),
    },
    timeoutMs: positiveIntEnv(env, 'DELIVER_TIMEOUT_MS', 10_000),
    maxResponseBodyBytes: 4096,
    allowLoopback,
    tableName: env.TABLE_NAME?.trim() ?? '',
    retentionDays: positiveIntEnv(env, 'RETENTION_DAYS', 90),
    sqs: { maxAttempts: 3, connectionTimeoutMs: 2000, requestTimeoutMs: 5000 },
    ssm: { maxAttempts: 3, connectionTimeoutMs: 2000, requestTimeoutMs: 5000 },
    dynamodb: { maxAttempts: 2, connectionTimeoutMs: 1000, requestTimeoutMs: 2000 },
  };
}
