import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDynamoDbClient } from '../lib/aws/dynamodb';
import { sdkDynamoDb } from '../lib/aws/dynamodb-sdk-sender';
import { changeVisibilityWith, createSqsClient, sendMessageWith } from '../lib/aws/sqs';
import { createSsmClient, parametersReaderWith } from '../lib/aws/ssm';
import { cachedParametersReader, requiredParameter } from '../lib/config/ssm-parameters';
import { composeDeliverer } from '../lib/deliverer/compose-deliverer';
import { readDeliverConfig } from '../lib/deliverer/deliver-config';
import { processDeliveries } from '../lib/deliverer/process-deliveries';
import { createLogger } from '../lib/log';
import { withLogContext } from '../lib/log-context';
import { createMetrics } from '../lib/metrics';

const config = readDeliverConfig(process.env);
const log = createLogger({ fn: 'deliver' }, config.runtime.logLevel, config.runtime);
const sqs = createSqsClient(config.sqs);
const deps = composeDeliverer(
  config,
  {
    sendMessage: sendMessageWith(sqs),
    changeVisibility: changeVisibilityWith(sqs, config.queueUrl),
    readParameter: requiredParameter(cachedParametersReader(parametersReaderWith(createSsmClient(config.ssm)))),
    dynamodb: sdkDynamoDb(createDynamoDbClient(config.dynamodb)),
  },
  log,
  createMetrics(config.runtime),
);

/** A batch of delivery jobs (serverless.yml): each event POSTed to its destination, signed, retried for a day. */
export const handler = (event: SQSEvent, context?: Pick<Context, 'awsRequestId'>): Promise<SQSBatchResponse> =>
  withLogContext({ aws_request_id: context?.awsRequestId }, () => processDeliveries(event.Records, deps));
