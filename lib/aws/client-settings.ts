import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { ClientBudget } from '../config/client-budget';

/**
 * The settings every SDK client of the functions is built with: its budget, enforced by the SDK's own HTTP handler.
 * Region, credentials and endpoint are the SDK's defaults: AWS_REGION and the execution role's credentials on Lambda,
 * AWS_ENDPOINT_URL_<SERVICE> locally.
 */
export function clientSettings(budget: ClientBudget) {
  return {
    maxAttempts: budget.maxAttempts,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: budget.connectionTimeoutMs,
      requestTimeout: budget.requestTimeoutMs,
      throwOnRequestTimeout: true,
    }),
  };
}
