import { awsServiceEnv, requireEnv } from '../config/env';
import { readRuntimeConfig, type RuntimeConfig } from '../config/runtime-config';
import { readWebhookAuthConfig, type WebhookAuthConfig } from '../security/auth-settings';

export interface IngestConfig {
  runtime: RuntimeConfig;
  queueUrl: string;
  /** SIGNALWIRE_SIGNING_KEY, WEBHOOK_* (README "Security"). */
  auth: WebhookAuthConfig;
  /** AWS_REGION (Lambda sets it), for signing the SendMessage. */
  region: string;
  /** AWS_ENDPOINT_URL_SQS or AWS_ENDPOINT_URL, as the SDK reads them (the local stack's emulator); unset on AWS. */
  sqsEndpoint: string | undefined;
}

/** The ingest's whole environment, read and validated once at cold start; a bad value throws a ConfigError naming it. */
export function readIngestConfig(env: Readonly<Record<string, string | undefined>>): IngestConfig {
  const sqs = awsServiceEnv(env, 'SQS');
  return {
    runtime: readRuntimeConfig(env),
    queueUrl: requireEnv(env, 'QUEUE_URL'),
    auth: readWebhookAuthConfig(env),
    region: sqs.region,
    sqsEndpoint: sqs.endpoint,
  };
}
