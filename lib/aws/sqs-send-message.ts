import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { awsJsonErrorType, isRetryableAnswer } from './aws-json-answer';
import { NodeSha256 } from './node-sha256';

/** Puts one message on a queue; resolves once SQS answered 200 (it holds the message), rejects otherwise. */
export type SendMessage = (queueUrl: string, messageBody: string) => Promise<void>;

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
export class SqsSendError extends Error {
  override readonly name = 'SqsSendError';
  constructor(message: string, readonly retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * SQS SendMessage as one SigV4-signed JSON request (the protocol the SDK speaks to SQS: AWS JSON 1.0), over a
 * keep-alive agent, with the SDK's retry rules for it. The ingest needs nothing else of SQS, and the SDK's client
 * is about half of its cold start (~120 KB of protocol, schema, middleware and endpoint code to load and set up);
 * this is ~3 KB over the signer the function has anyway (lib/aws/ssm-get-parameters.ts). The worker and the SWML
 * function, which need more of SQS, keep the SDK client.
 */
export function createSqsSendMessage(options: SqsSendMessageOptions): SendMessage {
  const maxAttempts = options.maxAttempts ?? 3;
  const timeouts = { connectionMs: options.connectionTimeoutMs ?? 1000, requestMs: options.requestTimeoutMs ?? 2000 };
  const signer = new SignatureV4({ credentials: options.credentials, region: options.region, service: 'sqs', sha256: NodeSha256 });
  const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 50 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 50 }) };
  const fixedEndpoint = options.endpoint === undefined || options.endpoint === '' ? undefined : new URL(options.endpoint);

  return async (queueUrl, messageBody) => {
    const endpoint = fixedEndpoint ?? new URL(queueUrl);
    const body = JSON.stringify({ QueueUrl: queueUrl, MessageBody: messageBody });
    for (let attempt = 1; ; attempt++) {
      try {
        const signed = await signer.sign({
          method: 'POST',
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          ...(endpoint.port !== '' && { port: Number(endpoint.port) }),
          path: '/',
          query: {},
          headers: {
            host: endpoint.host,
            'content-type': 'application/x-amz-json-1.0',
            'content-length': String(Buffer.byteLength(body)),
            'x-amz-target': 'AmazonSQS.SendMessage',
          },
          body,
        });
        return await post(endpoint, signed.headers, body, endpoint.protocol === 'http:' ? agents.http : agents.https, timeouts);
      } catch (error) {
        const failure = error instanceof SqsSendError ? error : new SqsSendError(`SendMessage failed: ${(error as Error).message}`, true, { cause: error });
        if (!failure.retryable || attempt >= maxAttempts) throw failure;
        // Full jitter over the SDK's base delay: 0-100 ms, then 0-200 ms.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** (attempt - 1)));
      }
    }
  };
}

function post(endpoint: URL, headers: Record<string, string>, body: string, agent: HttpAgent, timeouts: { connectionMs: number; requestMs: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const send = endpoint.protocol === 'http:' ? httpRequest : httpsRequest;
    let timer: NodeJS.Timeout | undefined;
    // Settles at once, whether or not the socket still reports anything once destroyed (an answer cut mid-body).
    const fail = (request: ClientRequest, message: string) => {
      const error = new SqsSendError(message, true);
      reject(error);
      request.destroy(error);
    };
    const request = send({ agent, method: 'POST', hostname: endpoint.hostname, port: endpoint.port || undefined, path: '/', headers }, (response) => {
      readAnswer(response).then(
        (text) => {
          clearTimeout(timer);
          if (response.statusCode === 200) resolve();
          else reject(answerError(response, text));
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
    request.on('socket', (socket) => {
      // A socket the agent kept alive is connected already; a new one gets connectionMs to connect.
      const connecting = socket.connecting;
      timer = setTimeout(() => fail(request, connecting ? `no connection within ${timeouts.connectionMs} ms` : `no answer within ${timeouts.requestMs} ms`), connecting ? timeouts.connectionMs : timeouts.requestMs);
      if (connecting) {
        socket.once('connect', () => {
          clearTimeout(timer);
          timer = setTimeout(() => fail(request, `no answer within ${timeouts.requestMs} ms`), timeouts.requestMs);
        });
      }
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}

function readAnswer(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

/** The answer as an error: its type from the query-compatible header or the JSON body, retryable by the SDK's rule. */
function answerError(response: IncomingMessage, text: string): SqsSendError {
  const status = response.statusCode ?? 0;
  const queryError = String(response.headers['x-amzn-query-error'] ?? '').split(';', 1)[0];
  const type = queryError || awsJsonErrorType(text);
  return new SqsSendError(`SendMessage answered HTTP ${status} (${type})`, isRetryableAnswer(status, type));
}
