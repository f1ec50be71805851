import { booleanEnv, positiveIntEnv, requireEnv } from '../config/env';
import { readRuntimeConfig, type RuntimeConfig } from '../config/runtime-config';
import { parseAutoReplyConfig, type AutoReplyConfig } from '../messages/auto-reply';
import { requireHttpsUrl } from '../security/https-url';
import { readSignalWireApiSettings, type SignalWireApiSettings } from '../signalwire/api-from-env';

type Env = Readonly<Record<string, string | undefined>>;

export interface MessagingConfig {
  /** REPLY_LEASE_SECONDS (default 90: longer than the worker's 30 s timeout, so a lease only expires once its holder is surely dead). */
  leaseMs: number;
  /** NOTIFY_TOPIC_ARN; blank: notifications are logged. */
  topicArn: string;
  /** NOTIFY_INBOUND_SMS (default: on when a topic is configured). */
  notifyInboundSms: boolean;
  /** PUBLIC_BASE_URL + /message-status: where SignalWire posts our replies' receipts (https only; http to loopback locally). */
  statusCallbackUrl: string | undefined;
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
  messaging: MessagingConfig;
}

/** The worker's whole environment, read and validated once at cold start; a bad value throws a ConfigError naming it. */
export function readWorkerConfig(env: Env): WorkerConfig {
  return {
    runtime: readRuntimeConfig(env),
    tableName: requireEnv(env, 'TABLE_NAME'),
    retentionDays: positiveIntEnv(env, 'RETENTION_DAYS', 90),
    dlqUrl: requireEnv(env, 'DLQ_URL'),
    maxReceiveCount: positiveIntEnv(env, 'MAX_RECEIVE_COUNT', 5),
    messaging: readMessagingConfig(env),
  };
}

function readMessagingConfig(env: Env): MessagingConfig {
  const topicArn = env.NOTIFY_TOPIC_ARN?.trim() ?? '';
  const baseUrl = env.PUBLIC_BASE_URL?.trim().replace(/\/+$/, '') ?? '';
  return {
    leaseMs: positiveIntEnv(env, 'REPLY_LEASE_SECONDS', 90) * 1000,
    topicArn,
    notifyInboundSms: booleanEnv(env, 'NOTIFY_INBOUND_SMS', topicArn !== ''),
    statusCallbackUrl: baseUrl === '' ? undefined : requireHttpsUrl(`${baseUrl}/message-status`, 'PUBLIC_BASE_URL'),
    autoReplies: parseAutoReplyConfig(env),
    signalWire: readSignalWireApiSettings(env),
  };
}
