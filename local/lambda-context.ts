import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/**
 * What Lambda hands a handler beside its event, for one invocation: a request id of its own, as Lambda's are, and
 * the time left before the function's timeout (`timeoutMs`, from serverless.yml; a handler that plans its work by it,
 * such as the reconciler, stops in time locally as it does deployed).
 */
export function invocationContext(
  functionName: string,
  timeoutMs?: number,
): Pick<Context, 'awsRequestId' | 'functionName' | 'getRemainingTimeInMillis'> {
  const deadline = Date.now() + (timeoutMs ?? 6000);
  return {
    awsRequestId: randomUUID(),
    functionName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}
