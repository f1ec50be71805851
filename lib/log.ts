import { logContextFields } from './log-context';
import type { Logger } from './logger';
import { redactLogFields } from './security/redact-log';

/**
 * Structured JSON logs, one line each: short lower-case messages with context fields. Never log secrets: fields are
 * redacted anyway (credentials, URL secrets; message text with `redactMessageBodies`, see security/redact-log.ts).
 * Each line carries the fields of the context it is written in (lib/log-context.ts): request, message and event ids.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** `level` and `options` come from the function's config (lib/config/runtime-config.ts); nothing is read from the environment here. */
export function createLogger(
  base: Record<string, unknown> = {},
  level: string = 'info',
  options: { redactMessageBodies?: boolean } = {},
): Logger {
  const threshold = RANK[level as Level | 'silent'] ?? RANK.info;
  const redaction = { redactMessageBodies: options.redactMessageBodies ?? false };
  const write = (lvl: Level, msg: string, fields?: Record<string, unknown>): void => {
    if (RANK[lvl] < threshold) return;
    const safeFields = fields && redactLogFields(fields, redaction);
    const line = JSON.stringify(
      { level: lvl, time: new Date().toISOString(), msg, ...base, ...logContextFields(), ...safeFields },
      errorReplacer,
    );
    (lvl === 'error' || lvl === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
