import type { Context, ScheduledEvent } from 'aws-lambda';
import { createDynamoDbClient } from '../lib/aws/dynamodb';
import { sdkDynamoDb } from '../lib/aws/dynamodb-sdk-sender';
import { createSqsClient, sendMessageWith } from '../lib/aws/sqs';
import { createSsmClient, parametersReaderWith } from '../lib/aws/ssm';
import { cachedParametersReader, requiredParameter } from '../lib/config/ssm-parameters';
import { createLogger } from '../lib/log';
import { withLogContext } from '../lib/log-context';
import { createMetrics } from '../lib/metrics';
import { composeReconciler } from '../lib/reconciler/compose-reconciler';
import { readReconcilerConfig } from '../lib/reconciler/reconciler-config';
import type { ReconcileReport } from '../lib/reconcile/run-reconcile';

const config = readReconcilerConfig(process.env);
const log = createLogger({ fn: 'reconciler' }, config.runtime.logLevel, config.runtime);
const reconcile = composeReconciler(
  config,
  {
    dynamodb: sdkDynamoDb(createDynamoDbClient(config.dynamodb)),
    sendMessage: sendMessageWith(createSqsClient(config.sqs)),
    readParameter: requiredParameter(cachedParametersReader(parametersReaderWith(createSsmClient(config.ssm)))),
  },
  log,
  createMetrics(config.runtime),
);

/** Every few minutes (serverless.yml `reconcileSchedule`): one run over the open calls and messages. */
export const handler = (_event: ScheduledEvent, context?: Pick<Context, 'awsRequestId'>): Promise<ReconcileReport> =>
  withLogContext({ aws_request_id: context?.awsRequestId }, () => reconcile(config.settings));
