import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<Readonly<Record<string, unknown>>>();

/**
 * Runs `fn` with `fields` added to every log line written inside it, however deep and across awaits: the Lambda
 * request id for an invocation, the SQS message id and event id for one record of a batch (records run
 * concurrently, each in its own context). Fields of an enclosing context are kept unless overridden.
 */
export function withLogContext<T>(fields: Record<string, unknown>, fn: () => T): T {
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return current.run({ ...current.getStore(), ...defined }, fn);
}

/** The fields of the context a log line is written in (empty outside any). */
export function logContextFields(): Readonly<Record<string, unknown>> | undefined {
  return current.getStore();
}
