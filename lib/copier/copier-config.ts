import type { ClientBudget } from '../config/client-budget';
import { booleanEnv, positiveIntEnv, requireEnv } from '../config/env';
import { readRuntimeConfig, type RuntimeConfig } from '../config/runtime-config';
import { readSignalWireApiSettings, type SignalWireApiSettings } from '../signalwire/api-from-env';
import { retryBackoff, type RetryBackoff } from '../worker/retry-delay';

type Env = Readonly<Record<string, string | undefined>>;

export interface CopierConfig {
  runtime: RuntimeConfig;
  tableName: string;
  retentionDays: number;
  /** RECORDINGS_BUCKET: where the copies go. */
  bucket: string;
  /** QUEUE_URL: the recordings queue (a retry's backoff); DLQ_URL: its dead letters. */
  queueUrl: string;
  dlqUrl: string;
  maxReceiveCount: number;
  retryBackoff: RetryBackoff;
  /**
   * COPY_LEASE_SECONDS (960): a copy's claim outlasts the function's 900 s timeout, so it only expires once its holder
   * is surely dead. The chaos run, which shortens the timeout, shortens the lease with it (still above the timeout).
   */
  leaseMs: number;
  /** SIGNALWIRE_*: recordings on the space are fetched with the project's credentials. */
  signalWire: SignalWireApiSettings | undefined;
  /** RECORDINGS_ALLOW_LOOPBACK: http://127.0.0.1 recordings (the local stack and tests; never deployed). */
  allowLoopback: boolean;
  /** AWS_S3_FORCE_PATH_STYLE: the local S3 emulator only. */
  forcePathStyle: boolean;
  dynamodb: ClientBudget;
  sqs: ClientBudget;
  ssm: ClientBudget;
  /** Each request of an upload (a part is 5 MiB): generous, retried by the SDK. */
  s3: ClientBudget;
}

export function readCopierConfig(env: Env): CopierConfig {
  const leaseSeconds = positiveIntEnv(env, 'COPY_LEASE_SECONDS', 960);
  return {
    runtime: readRuntimeConfig(env),
    tableName: requireEnv(env, 'TABLE_NAME'),
    retentionDays: positiveIntEnv(env, 'RETENTION_DAYS', 90),
    bucket: requireEnv(env, 'RECORDINGS_BUCKET'),
    queueUrl: requireEnv(env, 'QUEUE_URL'),
    dlqUrl: requireEnv(env, 'DLQ_URL'),
    maxReceiveCount: positiveIntEnv(env, 'MAX_RECEIVE_COUNT', 5),
    // 5 s, 20 s, 80 s, 320 s: a download that failed waits longer each time, capped below the lease.
    retryBackoff: retryBackoff({
      baseSeconds: 5,
      visibilityTimeoutSeconds: positiveIntEnv(env, 'QUEUE_VISIBILITY_TIMEOUT_SECONDS', 5400),
      leaseSeconds,
    }),
    leaseMs: leaseSeconds * 1000,
    signalWire: readSignalWireApiSettings(env),
    allowLoopback: booleanEnv(env, 'RECORDINGS_ALLOW_LOOPBACK', false),
    forcePathStyle: booleanEnv(env, 'AWS_S3_FORCE_PATH_STYLE', false),
    dynamodb: { maxAttempts: 3, connectionTimeoutMs: 2000, requestTimeoutMs: 5000 },
    sqs: { maxAttempts: 3, connectionTimeoutMs: 2000, requestTimeoutMs: 5000 },
    ssm: { maxAttempts: 3, connectionTimeoutMs: 2000, requestTimeoutMs: 5000 },
    s3: { maxAttempts: 3, connectionTimeoutMs: 3000, requestTimeoutMs: 120_000 },
  };
}
