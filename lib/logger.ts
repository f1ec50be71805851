/**
 * What a module that logs is given; lib/log.ts's createLogger makes one (JSON lines, fields redacted). Apart from
 * lib/log.ts so that what the logger itself uses (lib/security) can be given a logger without an import cycle.
 */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}
