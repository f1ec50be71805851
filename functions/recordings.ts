import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDynamoDbClient } from '../lib/aws/dynamodb';
import { sdkDynamoDb } from '../lib/aws/dynamodb-sdk-sender';
import { createS3Client } from '../lib/aws/s3';
import { changeVisibilityWith, createSqsClient, sendMessageWith } from '../lib/aws/sqs';
import { createSsmClient, parametersReaderWith } from '../lib/aws/ssm';
import { cachedParametersReader, requiredParameter } from '../lib/config/ssm-parameters';
import { composeCopier } from '../lib/copier/compose-copier';
import { readCopierConfig } from '../lib/copier/copier-config';
import { createLogger } from '../lib/log';
import { withLogContext } from '../lib/log-context';
import { createMetrics } from '../lib/metrics';
import { processCopyJobs } from '../lib/copier/process-copy-jobs';

const config = readCopierConfig(process.env);
const log = createLogger({ fn: 'recordings' }, config.runtime.logLevel, config.runtime);
const sqs = createSqsClient(config.sqs);
const deps = composeCopier(
  config,
  {
    dynamodb: sdkDynamoDb(createDynamoDbClient(config.dynamodb)),
    s3: createS3Client(config.s3, config.forcePathStyle),
    sendMessage: sendMessageWith(sqs),
    changeVisibility: changeVisibilityWith(sqs, config.queueUrl),
    readParameter: requiredParameter(cachedParametersReader(parametersReaderWith(createSsmClient(config.ssm)))),
  },
  log,
  createMetrics(config.runtime),
);

/** One completed recording a batch (serverless.yml): streamed from its URL into the stage's bucket, once. */
export const handler = (event: SQSEvent, context?: Pick<Context, 'awsRequestId'>): Promise<SQSBatchResponse> =>
  withLogContext({ aws_request_id: context?.awsRequestId }, () => processCopyJobs(event.Records, deps));
