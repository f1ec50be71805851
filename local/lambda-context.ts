import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** What Lambda hands a handler beside its event, for one invocation: a request id of its own, as Lambda's are. */
export function invocationContext(functionName: string): Pick<Context, 'awsRequestId' | 'functionName'> {
  return { awsRequestId: randomUUID(), functionName };
}
