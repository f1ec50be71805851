import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { AwsRequestError, createAwsJsonClient } from './aws-json-client';

/** A message attribute, as SQS's JSON protocol (and the SDK) spell it. */
export type SqsMessageAttribute = { DataType: 'String' | 'Number'; StringValue: string };

/** Puts one message on a queue; resolves once SQS answered 200 (it holds the message), rejects otherwise. */
export type SendMessage = (queueUrl: string, messageBody: string, attributes?: Record<string, SqsMessageAttribute>) => Promise<void>;

export interface SqsSendMessageOptions {
  credentials: AwsCredentialIdentityProvider;
  region: string;
  /** AWS_ENDPOINT_URL_SQS (or AWS_ENDPOINT_URL), as the SDK honours them; without it, the queue URL's own origin. */
  endpoint?: string | undefined;
  /** Tries in all (network errors, 5xx and throttling are tried again). Default 3. */
  maxAttempts?: number;
  /** To open a connection. Default 1,000 ms. */
  connectionTimeoutMs?: number;
  /** For the whole exchange of one attempt, once connected. Default 2,000 ms. */
  requestTimeoutMs?: number;
}

/** An answer (or no answer) from SQS that a send did not get past; `retryable` says whether another try may. */
export { AwsRequestError as SqsSendError };

/**
 * SQS SendMessage as one SigV4-signed JSON request (the protocol the SDK speaks to SQS: AWS JSON 1.0), with the
 * SDK's retry rules for it (lib/aws/aws-json-client.ts). The ingest needs nothing else of SQS, and the SDK's client
 * is about half of its cold start (~120 KB of protocol, schema, middleware and endpoint code to load and set up).
 * The SWML function's journal and the worker's dead letters (with their reason as message attributes) use it too.
 */
export function createSqsSendMessage(options: SqsSendMessageOptions): SendMessage {
  const { endpoint, ...rest } = options;
  const call = createAwsJsonClient({ ...rest, service: 'sqs', targetPrefix: 'AmazonSQS', endpoint });
  const fixed = endpoint !== undefined && endpoint !== '';
  return async (queueUrl, messageBody, attributes) => {
    const input = attributes === undefined ? { QueueUrl: queueUrl, MessageBody: messageBody } : { QueueUrl: queueUrl, MessageBody: messageBody, MessageAttributes: attributes };
    await call('SendMessage', input, fixed ? undefined : new URL(queueUrl));
  };
}
