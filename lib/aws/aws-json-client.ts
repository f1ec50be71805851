import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { awsJsonErrorType, isRetryableAnswer } from './aws-json-answer';
import { createHttp1Pool, HttpTimeoutError, type HttpAnswer } from './http1-pool';
import { createSigV4Signer } from './sigv4';

export interface AwsJsonClientOptions {
  /** The signing name (`dynamodb`, `sqs`) and the `x-amz-target` prefix (`DynamoDB_20120810`, `AmazonSQS`). */
  service: string;
  targetPrefix: string;
  credentials: AwsCredentialIdentityProvider;
  region: string;
  /** AWS_ENDPOINT_URL_<SERVICE> (or AWS_ENDPOINT_URL), as the SDK honours them; without it, `defaultEndpoint`. */
  endpoint?: string | undefined;
  /** Where to send when no endpoint is set: `https://<service>.<region>.amazonaws.com` (`.com.cn` in China) unless given. */
  defaultEndpoint?: string;
  /** Tries in all (network errors, timeouts, 5xx and throttling are tried again). Default 3, as the SDK's. */
  maxAttempts?: number;
  /** To open a connection. Default 1,000 ms. */
  connectionTimeoutMs?: number;
  /** For the whole exchange of one attempt, once connected. Default 2,000 ms. */
  requestTimeoutMs?: number;
  /** Told of every HTTP attempt, retries included (the benchmark counts requests with it). */
  onAttempt?(operation: string): void;
}

/**
 * An AWS answer (or no answer) a call did not get past. `name` is the service's error type
 * (`ConditionalCheckFailedException`, `QueueDoesNotExist`), as the SDK's errors name it, or `TimeoutError` /
 * `NetworkError`; the answer's other fields (`CancellationReasons`, `Item`) are on it too.
 */
export class AwsRequestError extends Error {
  override name: string;
  constructor(name: string, message: string, readonly retryable: boolean, readonly status?: number, fields?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    if (fields) for (const [key, value] of Object.entries(fields)) if (!(key in this) && key !== '__type') (this as Record<string, unknown>)[key] = value;
    this.name = name;
  }
}

/** One AWS JSON protocol operation: its input as the body, its output parsed; `endpoint` overrides the client's for this call. */
export type AwsJsonCall = (operation: string, input: object, endpoint?: URL) => Promise<Record<string, unknown>>;

/**
 * The AWS JSON protocol (1.0) as one SigV4-signed POST per attempt, over a keep-alive agent, with the SDK's retry
 * rules: what the SDK client does for the operations we call, without its per-call middleware, schema serde and
 * endpoint rules (about a third of the worker's CPU per event, measured: README "Performance"), and ~3 KB over the
 * signer instead of ~120 KB of client to load at a cold start. Inputs and outputs are the wire shapes the service
 * documents (DynamoDB's attribute values as `{ S: … }`), which is what the SDK's commands carry too.
 */
export function createAwsJsonClient(options: AwsJsonClientOptions): AwsJsonCall {
  const maxAttempts = options.maxAttempts ?? 3;
  const post = createSignedPost(options);
  const configured = options.endpoint === undefined || options.endpoint === '' ? undefined : new URL(options.endpoint);
  const fallback = new URL(options.defaultEndpoint ?? regionalEndpoint(options.service, options.region));

  return async (operation, input, endpoint = configured ?? fallback) => {
    const body = JSON.stringify(input);
    const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `${options.targetPrefix}.${operation}` };
    for (let attempt = 1; ; attempt++) {
      try {
        options.onAttempt?.(operation);
        const answer = await post(operation, endpoint, headers, body);
        if (answer.status === 200) return parseAnswer(operation, answer.text);
        throw answerError(operation, answer);
      } catch (error) {
        const failure = error instanceof AwsRequestError ? error : new AwsRequestError('NetworkError', `${operation} failed: ${(error as Error).message}`, true, undefined, undefined, { cause: error });
        if (!failure.retryable || attempt >= maxAttempts) throw failure;
        // Full jitter over the SDK's base delay: 0-100 ms, then 0-200 ms.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** (attempt - 1)));
      }
    }
  };
}

/** A service's regional endpoint, as the SDK resolves it by default (China's regions are under amazonaws.com.cn); FIPS and dual-stack are not chosen here. */
export function regionalEndpoint(service: string, region: string): string {
  return `https://${service}.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

/** An HTTP answer, whatever its status. */
export type SignedAnswer = HttpAnswer;

/** One SigV4-signed POST to `/` (no retry): resolves to any answer; rejects on a network error or a timeout (`TimeoutError`). */
export type SignedPost = (operation: string, endpoint: URL, headers: Record<string, string>, body: string) => Promise<SignedAnswer>;

/**
 * The transport under the AWS JSON client and SNS's Publish (lib/aws/sns-publish.ts): a signed POST over kept-alive
 * HTTP/1.1 connections (lib/aws/http1-pool.ts), with a deadline to connect and one for the exchange once connected.
 */
export function createSignedPost(options: Pick<AwsJsonClientOptions, 'service' | 'credentials' | 'region' | 'connectionTimeoutMs' | 'requestTimeoutMs'>): SignedPost {
  const timeouts = { connectionMs: options.connectionTimeoutMs ?? 1000, requestMs: options.requestTimeoutMs ?? 2000 };
  const sign = createSigV4Signer({ credentials: options.credentials, region: options.region, service: options.service });
  const post = createHttp1Pool();
  return async (operation, endpoint, headers, body) => {
    const signed = await sign({ host: endpoint.host, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, body });
    try {
      return await post(endpoint, signed, body, timeouts);
    } catch (error) {
      if (error instanceof HttpTimeoutError) throw new AwsRequestError('TimeoutError', `${operation}: ${error.message}`, true);
      throw error;
    }
  };
}

/** A 200's body; one that is not JSON (a proxy's page, a cut answer) is tried again, as the SDK would. */
function parseAnswer(operation: string, text: string): Record<string, unknown> {
  if (text === '') return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new AwsRequestError('NetworkError', `${operation} answered 200 with a body that is not JSON`, true);
  }
}

/** The answer as an error: its type from the query-compatible header or the JSON body, retryable by the SDK's rule. */
function answerError(operation: string, { status, headers, text }: SignedAnswer): AwsRequestError {
  const queryError = String(headers['x-amzn-query-error'] ?? '').split(';', 1)[0];
  const type = queryError || awsJsonErrorType(text);
  let fields: Record<string, unknown> | undefined;
  try {
    fields = JSON.parse(text) as Record<string, unknown>;
  } catch {
    fields = undefined;
  }
  const detail = typeof fields?.message === 'string' ? `: ${fields.message}` : typeof fields?.Message === 'string' ? `: ${fields.Message}` : '';
  const { message: _m, Message: _M, ...rest } = fields ?? {};
  return new AwsRequestError(type, `${operation} answered HTTP ${status} (${type})${detail}`, isRetryableAnswer(status, type), status, rest);
}
