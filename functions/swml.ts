import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createDynamoDbClient } from '../lib/aws/dynamodb';
import { sdkDynamoDb } from '../lib/aws/dynamodb-sdk-sender';
import { createSqsClient, sendMessageWith } from '../lib/aws/sqs';
import { createSsmClient, parametersReaderWith } from '../lib/aws/ssm';
import { errorResponse, jsonResponse } from '../lib/http/responses';
import { toWebhookRequest } from '../lib/http/webhook-request';
import { createLogger } from '../lib/log';
import { withLogContext } from '../lib/log-context';
import { createMetrics } from '../lib/metrics';
import { answerSwmlFetch } from '../lib/swml/answer-swml-fetch';
import { composeSwml } from '../lib/swml/compose-swml';
import { readSwmlConfig } from '../lib/swml/swml-config';

const config = readSwmlConfig(process.env);
const log = createLogger({ fn: 'swml' }, config.runtime.logLevel, config.runtime);
const clients = {
  dynamodb: sdkDynamoDb(createDynamoDbClient(config.dynamodb)),
  sendMessage: sendMessageWith(createSqsClient(config.sqs)),
  readParameters: parametersReaderWith(createSsmClient(config.ssm)),
};
const deps = composeSwml(config, clients, log, createMetrics(config.runtime));

const swml = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const request = toWebhookRequest(event);
  try {
    return jsonResponse(200, await answerSwmlFetch(request, deps));
  } catch (error) {
    return errorResponse(error, log, { route: request.routeKey });
  }
};

export const handler = (event: APIGatewayProxyEventV2, context?: Pick<Context, 'awsRequestId'>) =>
  withLogContext({ aws_request_id: context?.awsRequestId, request_id: event.requestContext?.requestId }, () =>
    swml(event),
  );
