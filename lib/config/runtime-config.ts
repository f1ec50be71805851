import { ConfigError } from '../errors';
import { booleanEnv } from './env';

type Env = Readonly<Record<string, string | undefined>>;

type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** What every function reads besides its own settings: how it logs and counts. */
export interface RuntimeConfig {
  /** LOG_LEVEL (default info). */
  logLevel: LogLevel;
  /** REDACT_MESSAGE_BODIES=true: log lines never carry message text (lib/security/redact-log.ts). */
  redactMessageBodies: boolean;
  /** STAGE: the Stage dimension of every metric (default `unknown`). */
  stage: string;
  /** Set by the Lambda runtime (AWS_LAMBDA_FUNCTION_NAME): metrics go to stdout only there. */
  onLambda: boolean;
}

export function readRuntimeConfig(env: Env): RuntimeConfig {
  const level = env.LOG_LEVEL?.trim().toLowerCase() || 'info';
  const logLevel = LOG_LEVELS.find((known) => known === level);
  if (logLevel === undefined)
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  return {
    logLevel,
    redactMessageBodies: booleanEnv(env, 'REDACT_MESSAGE_BODIES', false),
    stage: env.STAGE?.trim() || 'unknown',
    onLambda: env.AWS_LAMBDA_FUNCTION_NAME !== undefined,
  };
}
