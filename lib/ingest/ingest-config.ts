import type { ClientBudget } from '../config/client-budget';
import { requireEnv } from '../config/env';
import { readRuntimeConfig, type RuntimeConfig } from '../config/runtime-config';
import { readWebhookAuthConfig, type WebhookAuthConfig } from '../security/auth-settings';

export interface IngestConfig {
  runtime: RuntimeConfig;
  queueUrl: string;
  /** SIGNALWIRE_SIGNING_KEY, WEBHOOK_* (docs/security.md). */
  auth: WebhookAuthConfig;
  /** SendMessage: retries included, a 503 goes back well inside SignalWire's 10 s, so it retries the delivery itself. */
  sqs: ClientBudget;
  /** The webhook secrets, read at the first delivery and on each refresh. */
  ssm: ClientBudget;
}

/** The ingest's whole environment, read and validated once at cold start; a bad value throws a ConfigError naming it. */
export function readIngestConfig(env: Readonly<Record<string, string | undefined>>): IngestConfig {
  return {
    runtime: readRuntimeConfig(env),
    queueUrl: requireEnv(env, 'QUEUE_URL'),
    auth: readWebhookAuthConfig(env),
    sqs: { maxAttempts: 3, connectionTimeoutMs: 1000, requestTimeoutMs: 2000 },
    ssm: { maxAttempts: 2, connectionTimeoutMs: 1000, requestTimeoutMs: 2000 },
  };
}
