import { nonNegativeIntEnv, positiveIntEnv, requireEnv } from '../config/env';
import { readRuntimeConfig, type RuntimeConfig } from '../config/runtime-config';
import { readWebhookAuthConfig, type WebhookAuthConfig } from '../security/auth-settings';

export interface SwmlConfig {
  runtime: RuntimeConfig;
  tableName: string;
  /** RETENTION_DAYS (default 90). */
  retentionDays: number;
  /** QUEUE_URL: where fetches are journaled. */
  queueUrl: string;
  /** SWML_RULES_CACHE_SECONDS (default 30; 0: read the rules on every fetch). */
  rulesCacheMs: number;
  /** SIGNALWIRE_SIGNING_KEY, WEBHOOK_* (README "Security"): the same checks as the ingest. */
  auth: WebhookAuthConfig;
}

/** The SWML function's whole environment, read and validated once at cold start; a bad value throws a ConfigError naming it. */
export function readSwmlConfig(env: Readonly<Record<string, string | undefined>>): SwmlConfig {
  return {
    runtime: readRuntimeConfig(env),
    tableName: requireEnv(env, 'TABLE_NAME'),
    retentionDays: positiveIntEnv(env, 'RETENTION_DAYS', 90),
    queueUrl: requireEnv(env, 'QUEUE_URL'),
    rulesCacheMs: nonNegativeIntEnv(env, 'SWML_RULES_CACHE_SECONDS', 30) * 1000,
    auth: readWebhookAuthConfig(env),
  };
}
