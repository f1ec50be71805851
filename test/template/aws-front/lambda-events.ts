import { randomUUID } from 'node:crypto';
import type { Message } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, SQSEvent, SQSMessageAttributes } from 'aws-lambda';
import { signDelivery } from '../../../lib/security/sign-delivery';
import type { DeployedStack } from './cloudformation-values';

export interface Delivery {
  method: 'GET' | 'POST';
  /** The route's path, e.g. `/incoming-sms`. */
  path: string;
  /** The raw query string, without `?`. */
  query?: string;
  contentType?: string;
  body?: string;
}

/**
 * The event API Gateway (HTTP API, payload 2.0, `$default` stage) hands a function for `delivery`, signed as
 * SignalWire signs it (lib/security/sign-delivery.ts) over the URL it called: `https://<api id>.execute-api.<region>.amazonaws.com`
 * + path + query. A form body arrives base64-encoded, as HTTP APIs pass bodies that are not JSON or text.
 */
export function signedHttpApiEvent(
  stack: DeployedStack,
  delivery: Delivery,
  signingKey: string,
): APIGatewayProxyEventV2 {
  const domainName = `${stack.apiId}.execute-api.${stack.region}.amazonaws.com`;
  const query = delivery.query ?? '';
  const body = delivery.body ?? '';
  const url = `https://${domainName}${delivery.path}${query === '' ? '' : `?${query}`}`;
  const signature = Object.fromEntries(
    Object.entries(signDelivery({ url, contentType: delivery.contentType, body }, signingKey)).map(([name, value]) => [
      name.toLowerCase(),
      value,
    ]),
  );
  const sourceIp = '198.51.100.7';
  const now = new Date();
  const base64 = delivery.contentType === 'application/x-www-form-urlencoded';
  const parameters = new URLSearchParams(query);
  return {
    version: '2.0',
    routeKey: `${delivery.method} ${delivery.path}`,
    rawPath: delivery.path,
    rawQueryString: query,
    headers: {
      host: domainName,
      'user-agent': 'SignalWire-Webhooks/1.0',
      'x-forwarded-for': sourceIp,
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      'x-amzn-trace-id': `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      ...(delivery.contentType !== undefined && {
        'content-type': delivery.contentType,
        'content-length': String(Buffer.byteLength(body)),
      }),
      ...signature,
    },
    ...(query !== '' && {
      queryStringParameters: Object.fromEntries(
        [...new Set(parameters.keys())].map((name) => [name, parameters.getAll(name).join(',')]),
      ),
    }),
    requestContext: {
      accountId: stack.accountId,
      apiId: stack.apiId,
      domainName,
      domainPrefix: stack.apiId,
      http: {
        method: delivery.method,
        path: delivery.path,
        protocol: 'HTTP/1.1',
        sourceIp,
        userAgent: 'SignalWire-Webhooks/1.0',
      },
      requestId: randomUUID(),
      routeKey: `${delivery.method} ${delivery.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== '' && { body: base64 ? Buffer.from(body).toString('base64') : body }),
    isBase64Encoded: base64 && body !== '',
  };
}

/** The event Lambda's SQS event source mapping hands the worker for messages received from the queue `queueArn`. */
export function sqsEventOf(messages: readonly Message[], queueArn: string, region: string): SQSEvent {
  return {
    Records: messages.map((message) => ({
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: message.Attributes?.SenderId ?? 'AROAEXAMPLE:signalwire-webhooks-ci-ingest',
        ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          {
            dataType: value.DataType ?? 'String',
            stringValue: value.StringValue,
            stringListValues: [],
            binaryListValues: [],
          },
        ]),
      ) as SQSMessageAttributes,
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: region,
    })),
  };
}
