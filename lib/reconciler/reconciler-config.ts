import type { ClientBudget } from '../config/client-budget';
import { booleanEnv, nonNegativeIntEnv, positiveIntEnv, requireEnv } from '../config/env';
import { readRuntimeConfig, type RuntimeConfig } from '../config/runtime-config';
import { readSignalWireApiSettings, type SignalWireApiSettings } from '../signalwire/api-from-env';
import type { ReconcileSettings } from '../reconcile/run-reconcile';

type Env = Readonly<Record<string, string | undefined>>;

export interface ReconcilerConfig {
  runtime: RuntimeConfig;
  tableName: string;
  /** QUEUE_URL: the webhook queue, where the reports go like deliveries. */
  queueUrl: string;
  /** SIGNALWIRE_* (the worker's); undefined when SIGNALWIRE_SPACE_URL is blank: there is nothing to ask, each run says so. */
  signalWire: SignalWireApiSettings | undefined;
  /**
   * RECONCILE_CALL_WINDOW_MINUTES (10), RECONCILE_MESSAGE_WINDOW_MINUTES (15), RECONCILE_GIVE_UP_HOURS (24),
   * RECONCILE_MAX_REQUESTS (600 per run), RECONCILE_CONCURRENCY (4).
   */
  settings: ReconcileSettings;
  dynamodb: ClientBudget;
  sqs: ClientBudget;
  ssm: ClientBudget;
}

export function readReconcilerConfig(env: Env): ReconcilerConfig {
  const signalWire = readSignalWireApiSettings(env);
  return {
    runtime: readRuntimeConfig(env),
    tableName: requireEnv(env, 'TABLE_NAME'),
    queueUrl: requireEnv(env, 'QUEUE_URL'),
    signalWire,
    settings: readReconcileSettings(env),
    // Not on a webhook's clock: a run has two minutes, so each request may take its time and be tried again.
    dynamodb: { maxAttempts: 3, connectionTimeoutMs: 2000, requestTimeoutMs: 5000 },
    sqs: { maxAttempts: 3, connectionTimeoutMs: 2000, requestTimeoutMs: 5000 },
    ssm: { maxAttempts: 3, connectionTimeoutMs: 2000, requestTimeoutMs: 5000 },
  };
}

export function readReconcileSettings(env: Env): ReconcileSettings {
  return {
    // 0: ask about every open record at once (tests, the chaos run).
    callWindowMinutes: nonNegativeIntEnv(env, 'RECONCILE_CALL_WINDOW_MINUTES', 10),
    messageWindowMinutes: nonNegativeIntEnv(env, 'RECONCILE_MESSAGE_WINDOW_MINUTES', 15),
    giveUpHours: positiveIntEnv(env, 'RECONCILE_GIVE_UP_HOURS', 24),
    maxRequests: positiveIntEnv(env, 'RECONCILE_MAX_REQUESTS', 600),
    concurrency: positiveIntEnv(env, 'RECONCILE_CONCURRENCY', 4),
    // RECONCILE_DISCOVER (default true): also list the project's calls and messages for the ones we never heard of.
    discover: booleanEnv(env, 'RECONCILE_DISCOVER', true),
  };
}
