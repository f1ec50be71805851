import { requireEnv } from '../config/env';
import { readRuntimeConfig, type RuntimeConfig } from '../config/runtime-config';
import { readWebhookAuthConfig, type WebhookAuthConfig } from '../security/auth-settings';

export interface IngestConfig {
  runtime: RuntimeConfig;
  queueUrl: string;
  /** SIGNALWIRE_SIGNING_KEY, WEBHOOK_* (README "Security"). */
  auth: WebhookAuthConfig;
}

/** The ingest's whole environment, read and validated once at cold start; a bad value throws a ConfigError naming it. */
export function readIngestConfig(env: Readonly<Record<string, string | undefined>>): IngestConfig {
  return { runtime: readRuntimeConfig(env), queueUrl: requireEnv(env, 'QUEUE_URL'), auth: readWebhookAuthConfig(env) };
}
