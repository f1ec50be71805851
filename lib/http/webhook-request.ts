import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The parts of an HTTP API (payload 2.0) event the ingest looks at. */
export interface WebhookRequest {
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  pathParameters: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  body: string | undefined;
  isBase64Encoded: boolean;
  sourceIp: string | undefined;
  requestId: string | undefined;
  domainName: string | undefined;
  stage: string | undefined;
}

export function toWebhookRequest(event: APIGatewayProxyEventV2): WebhookRequest {
  return {
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString ?? '',
    pathParameters: event.pathParameters ?? {},
    // HTTP APIs deliver header names lower-cased.
    headers: event.headers ?? {},
    body: event.body,
    isBase64Encoded: event.isBase64Encoded,
    sourceIp: event.requestContext?.http?.sourceIp,
    requestId: event.requestContext?.requestId,
    domainName: event.requestContext?.domainName,
    stage: event.requestContext?.stage,
  };
}
