import type { ClientBudget } from '../config/client-budget';
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
  /** SIGNALWIRE_SIGNING_KEY, WEBHOOK_* (docs/security.md): the same checks as the ingest. */
  auth: WebhookAuthConfig;
  /** A caller waits on the answer: fail fast and answer the safe default rather than keep the line silent. */
  dynamodb: ClientBudget;
  /** The journal's one SendMessage: a single try, never holding the answer back. */
  sqs: ClientBudget;
  ssm: ClientBudget;
  /** How long the answer waits for the journal and for the rules before going on without them. */
  journalTimeoutMs: number;
  rulesTimeoutMs: number;
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
    dynamodb: { maxAttempts: 2, connectionTimeoutMs: 300, requestTimeoutMs: 800 },
    sqs: { maxAttempts: 1, connectionTimeoutMs: 250, requestTimeoutMs: 300 },
    ssm: { maxAttempts: 2, connectionTimeoutMs: 500, requestTimeoutMs: 1000 },
    journalTimeoutMs: 300,
    rulesTimeoutMs: 2_000,
  };
}
