import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, SQSRecord } from 'aws-lambda';

/** What a test says about a request; the rest is what API Gateway (HTTP API, payload 2.0) always sends. */
export interface GatewayRequest {
  routeKey: string;
  rawPath?: string;
  rawQueryString?: string;
  pathParameters?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  sourceIp?: string;
  requestId?: string;
  /** Set only when given: API Gateway's own domain and stage, the URL a signature is checked against on Lambda. */
  domainName?: string;
  stage?: string;
}

/** An HTTP API event as API Gateway hands it to a function. */
export function apiGatewayEvent(request: GatewayRequest): APIGatewayProxyEventV2 {
  const [method, path] = request.routeKey.split(' ', 2) as [string, string];
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: request.rawPath ?? path,
    rawQueryString: request.rawQueryString ?? '',
    ...(request.pathParameters !== undefined && { pathParameters: request.pathParameters }),
    headers: request.headers ?? {},
    ...(request.body !== undefined && { body: request.body }),
    isBase64Encoded: request.isBase64Encoded ?? false,
    requestContext: {
      ...(request.domainName !== undefined && { domainName: request.domainName }),
      ...(request.stage !== undefined && { stage: request.stage }),
      requestId: request.requestId ?? 'r1',
      http: { method, sourceIp: request.sourceIp ?? '127.0.0.1' },
    },
  } as unknown as APIGatewayProxyEventV2;
}

/** An SQS record as Lambda's event source mapping delivers it, on its `receiveCount`th delivery. */
export function sqsRecord(body: string, options: { messageId?: string; receiveCount?: number } = {}): SQSRecord {
  const messageId = options.messageId ?? randomUUID();
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: '1736937000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1736937000001',
    },
    messageAttributes: {},
    md5OfBody: 'not-checked',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:webhooks',
    awsRegion: 'us-east-1',
  };
}
