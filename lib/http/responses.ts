import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ClientError, DependencyError } from '../errors';
import type { Logger } from '../logger';

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/**
 * The one place errors become HTTP. A client's mistake is a 4xx with its reason; anything else is a 5xx with a
 * generic message, which SignalWire answers by retrying: 503 when a dependency failed, 500 for a bug.
 */
export function errorResponse(
  error: unknown,
  log: Logger,
  context: Record<string, unknown> = {},
): APIGatewayProxyStructuredResultV2 {
  if (error instanceof ClientError) {
    log.info('request rejected', { ...context, status: error.statusCode, reason: error.message });
    const response = jsonResponse(error.statusCode, { error: error.message });
    return error.headers === undefined ? response : { ...response, headers: { ...response.headers, ...error.headers } };
  }
  if (error instanceof DependencyError) {
    log.error('dependency failed', { ...context, error, cause: error.cause });
    return jsonResponse(503, { error: 'temporarily unable to accept the webhook; retry' });
  }
  log.error('unexpected error', { ...context, error });
  return jsonResponse(500, { error: 'internal error; retry' });
}
