import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { join } from 'node:path';
import { startDynamoDb, startS3, startSqs } from '../../local/emulators';
import { STACK_CREDENTIALS } from '../../local/local-credentials';
import { PROJECT_ROOT } from '../../local/project-root';
import { provisionResources } from '../../local/provision';
import { loadServerlessConfig } from '../../local/serverless-config';

export interface BenchEmulators {
  sqsEndpoint: string;
  dynamodbEndpoint: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  tableName: string;
  /** Environment for a function module imported in this process: region, credentials, emulator endpoints. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** A loopback port nothing listens on (discard). */
const NOWHERE = 'http://127.0.0.1:9';

/**
 * The emulators in their own processes, with serverless.yml's queues, table and bucket, as the local stack has them
 * (the bucket is only provisioned: no bench reaches S3).
 */
export async function startBenchEmulators(): Promise<BenchEmulators> {
  const [dynamo, sqsEmulator, s3Emulator] = await Promise.all([startDynamoDb(), startSqs(), startS3()]);
  const credentials = STACK_CREDENTIALS;
  const sqs = new SQSClient({ endpoint: sqsEmulator.endpoint, region: 'us-east-1', credentials });
  const dynamodb = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials });
  const s3 = new S3Client({ endpoint: s3Emulator.endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
  const index = await provisionResources(loadServerlessConfig(join(PROJECT_ROOT, 'serverless.yml'), 'bench'), {
    sqs,
    dynamodb,
    s3,
  });
  sqs.destroy();
  dynamodb.destroy();
  s3.destroy();
  return {
    sqsEndpoint: sqsEmulator.endpoint,
    dynamodbEndpoint: dynamo.endpoint,
    queueUrl: index.WebhookQueue!.ref,
    deadLetterQueueUrl: index.DeadLetterQueue!.ref,
    tableName: index.EventsTable!.ref,
    env: {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: STACK_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: STACK_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: sqsEmulator.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      // The clients a bench never means to use (SSM, SNS: secrets and topics are given locally) fail here, never reach AWS.
      AWS_ENDPOINT_URL_SSM: NOWHERE,
      AWS_ENDPOINT_URL_SNS: NOWHERE,
      LOG_LEVEL: 'silent',
    },
    stop: () => Promise.all([dynamo.stop(), sqsEmulator.stop(), s3Emulator.stop()]).then(() => undefined),
  };
}
