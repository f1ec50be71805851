import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDynamoDbClient } from '../lib/aws/dynamodb';
import { sdkDynamoDb } from '../lib/aws/dynamodb-sdk-sender';
import { createEventBridgeClient, putEventsWith } from '../lib/aws/eventbridge';
import { createSnsClient, publishWith } from '../lib/aws/sns';
import { changeVisibilityWith, createSqsClient, sendMessagesWith, sendMessageWith } from '../lib/aws/sqs';
import { createSsmClient, parametersReaderWith } from '../lib/aws/ssm';
import { cachedParametersReader, requiredParameter } from '../lib/config/ssm-parameters';
import { createLogger } from '../lib/log';
import { withLogContext } from '../lib/log-context';
import { createMetrics } from '../lib/metrics';
import { composeWorker } from '../lib/worker/compose-worker';
import { processBatch } from '../lib/worker/process-batch';
import { readWorkerConfig } from '../lib/worker/worker-config';

const config = readWorkerConfig(process.env);
const log = createLogger({ fn: 'worker' }, config.runtime.logLevel, config.runtime);
// One cache for every SSM read of the worker: the API token, and its status callbacks' secrets.
const readParameters = cachedParametersReader(parametersReaderWith(createSsmClient(config.ssm)));
const sqs = createSqsClient(config.sqs);
const clients = {
  readParameters,
  readParameter: requiredParameter(readParameters),
  dynamodb: sdkDynamoDb(createDynamoDbClient(config.dynamodb)),
  sendMessage: sendMessageWith(sqs),
  sendMessages: sendMessagesWith(sqs),
  changeVisibility: changeVisibilityWith(sqs, config.queueUrl),
  snsPublish: publishWith(createSnsClient(config.sns)),
  ...(config.eventBusName !== '' && {
    putOnBus: putEventsWith(createEventBridgeClient(config.eventBridge), config.eventBusName),
  }),
};
const deps = composeWorker(config, clients, log, createMetrics(config.runtime));

// Every log line names the invocation; each record's lines its SQS message id and event id too (lib/worker/process-batch.ts).
export const handler = (event: SQSEvent, context?: Pick<Context, 'awsRequestId'>): Promise<SQSBatchResponse> =>
  withLogContext({ aws_request_id: context?.awsRequestId }, () => processBatch(event.Records, deps));
