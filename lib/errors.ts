/**
 * One error hierarchy for the whole product. `errorResponse` (lib/http/responses.ts) is the one place that maps
 * these to status codes; the worker treats `PermanentError` as "send to the DLQ now, retrying cannot help".
 */
export class WebhookError extends Error {
  override readonly name: string = 'WebhookError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The client sent something we will never accept: answered with a 4xx and a short reason. */
export class ClientError extends WebhookError {
  override readonly name: string = 'ClientError';
  constructor(
    readonly statusCode: 400 | 401 | 403 | 404 | 405 | 413 | 415 | 422,
    message: string,
    /** Sent with the answer, e.g. the WWW-Authenticate challenge of a 401. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

/** A queued event that can never be applied (schema-invalid, unknown kind): dead-lettered at once with this reason. */
export class PermanentError extends WebhookError {
  override readonly name: string = 'PermanentError';
}

/** A dependency we need (SQS, DynamoDB, SignalWire) failed; the caller should retry. */
export class DependencyError extends WebhookError {
  override readonly name: string = 'DependencyError';
}

/** Configuration is missing or invalid: raised at cold start, naming the variable. */
export class ConfigError extends WebhookError {
  override readonly name: string = 'ConfigError';
}

/** An error's message (or the value thrown, as text), for a reason or a log line. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The message of an error's cause, for a log line (the SDK's error behind a DependencyError). */
export function causeMessage(error: unknown): string | undefined {
  return error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
}
