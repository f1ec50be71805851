import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { loadServerlessConfig } from '../local/serverless-config';
import { PROJECT_ROOT } from '../local/project-root';
import type { StackInfo } from '../local/stack';
import { LOCAL_STAGE } from '../local/stack-stage';
import { createDocumentClient, type TableRef } from '../lib/store/table';
import { sdkDynamoDb } from '../lib/aws/dynamodb-sdk-sender';

/** The stack a CLI command talks to: the local one `npm start` runs (default) or a deployed stage. */
export interface Target {
  sqs: SQSClient;
  table: TableRef;
  queueUrl: string;
  deadLetterQueueUrl: string;
  stage: string;
  region: string;
  /** Base URL of the webhook routes (the local stack's, or the deployed HTTP API's from its CloudFormation outputs). */
  apiUrl(): Promise<string>;
  /**
   * The stage's recordings bucket (lib/recordings copies recordings into it) and an S3 client for it: the local
   * stack's S3 (path-style), or the deployed stage's bucket from its CloudFormation output `RecordingsBucketName`.
   */
  recordings(): Promise<RecordingsBucket>;
  /** A queue `webhooks dlq --queue` and `replay --queue` work on, and its DLQ (the webhook ones are the fields above). */
  queues(choice: QueueChoice): Promise<QueuePair>;
  /**
   * The stage's event bus (the worker publishes the domain events to it) and an EventBridge client for it: the local
   * stack's stand-in, or the deployed stage's bus from its CloudFormation output `EventBusName` (`webhooks listen`).
   */
  eventBus(): Promise<EventBus>;
  close(): void;
}

interface EventBus {
  eventBridge: EventBridgeClient;
  busName: string;
}

/** The queues with a DLQ: the webhooks (the worker's), the recordings copier's and the destinations deliverer's. */
export const QUEUE_CHOICES = ['webhooks', 'recordings', 'destinations'] as const;
export type QueueChoice = (typeof QUEUE_CHOICES)[number];

interface QueuePair {
  queueUrl: string;
  deadLetterQueueUrl: string;
}

/** Each choice's queue and DLQ, by their serverless.yml logical ids. */
const QUEUE_RESOURCES: Record<QueueChoice, [queue: string, deadLetterQueue: string]> = {
  webhooks: ['WebhookQueue', 'DeadLetterQueue'],
  recordings: ['RecordingsQueue', 'RecordingsDeadLetterQueue'],
  destinations: ['DestinationsQueue', 'DestinationsDeadLetterQueue'],
};

/** The pair's URLs from the queue names serverless.yml gives them for the stage (GetQueueUrl). */
async function queuesByName(sqs: SQSClient, stage: string, region: string, choice: QueueChoice): Promise<QueuePair> {
  const defs = loadServerlessConfig(join(PROJECT_ROOT, 'serverless.yml'), stage, region);
  const url = async (logicalId: string) => {
    const queueName = String(defs.resources[logicalId]?.Properties.QueueName);
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl!;
  };
  const [queue, deadLetterQueue] = QUEUE_RESOURCES[choice];
  const [queueUrl, deadLetterQueueUrl] = await Promise.all([url(queue), url(deadLetterQueue)]);
  return { queueUrl, deadLetterQueueUrl };
}

interface RecordingsBucket {
  s3: S3Client;
  bucket: string;
}

export const LOCAL_STACK_FILE = join(PROJECT_ROOT, '.local', 'stack.json');

export async function resolveTarget(options: { stage?: string; region?: string; stackFile?: string }): Promise<Target> {
  // `--stage local` names the stack `npm start` runs (its stage), as no `--stage` does.
  if (options.stage === undefined || options.stage === LOCAL_STAGE)
    return localTarget(options.stackFile ?? process.env.WEBHOOKS_STACK_FILE ?? LOCAL_STACK_FILE);
  return deployedTarget(options.stage, options.region ?? process.env.AWS_REGION ?? 'us-east-1');
}

function localTarget(stackFile: string): Target {
  if (!existsSync(stackFile))
    throw new Error(`no local stack found (${stackFile}); start one with \`npm start\`, or pass --stage NAME`);
  // A stack file written before the stack had S3 has no s3Endpoint nor bucket; one may have no recordings queues.
  const info = JSON.parse(readFileSync(stackFile, 'utf8')) as StackInfo &
    Partial<
      Record<
        | 's3Endpoint'
        | 'recordingsBucket'
        | 'recordingsQueueUrl'
        | 'recordingsDeadLetterQueueUrl'
        | 'eventBridgeEndpoint'
        | 'eventBusName',
        string
      >
    >;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const sqs = new SQSClient({ endpoint: info.sqsEndpoint, region: info.region, credentials });
  const dynamodb = new DynamoDBClient({ endpoint: info.dynamodbEndpoint, region: info.region, credentials });
  let s3: S3Client | undefined;
  let eventBridge: EventBridgeClient | undefined;
  return {
    sqs,
    table: { client: createDocumentClient(sdkDynamoDb(dynamodb)), tableName: info.tableName, retentionDays: 90 },
    queueUrl: info.queueUrl,
    deadLetterQueueUrl: info.deadLetterQueueUrl,
    stage: info.stage,
    region: info.region,
    apiUrl: async () => info.url,
    async recordings() {
      if (!info.s3Endpoint || !info.recordingsBucket)
        throw new Error(`the local stack (${stackFile}) has no S3: restart it with \`npm start\``);
      s3 ??= new S3Client({ endpoint: info.s3Endpoint, region: info.region, credentials, forcePathStyle: true });
      return { s3, bucket: info.recordingsBucket };
    },
    async queues(choice) {
      if (choice === 'webhooks') return { queueUrl: info.queueUrl, deadLetterQueueUrl: info.deadLetterQueueUrl };
      if (choice === 'recordings' && info.recordingsQueueUrl && info.recordingsDeadLetterQueueUrl)
        return { queueUrl: info.recordingsQueueUrl, deadLetterQueueUrl: info.recordingsDeadLetterQueueUrl };
      return queuesByName(sqs, info.stage, info.region, choice);
    },
    async eventBus() {
      if (!info.eventBridgeEndpoint || !info.eventBusName)
        throw new Error(`the local stack (${stackFile}) has no event bus: restart it with \`npm start\``);
      eventBridge ??= new EventBridgeClient({ endpoint: info.eventBridgeEndpoint, region: info.region, credentials });
      return { eventBridge, busName: info.eventBusName };
    },
    close: () => {
      sqs.destroy();
      dynamodb.destroy();
      s3?.destroy();
      eventBridge?.destroy();
    },
  };
}

/** Resource names come from serverless.yml for that stage; credentials from the usual AWS chain. */
async function deployedTarget(stage: string, region: string): Promise<Target> {
  const defs = loadServerlessConfig(join(PROJECT_ROOT, 'serverless.yml'), stage, region);
  const name = (logicalId: string, property: string) => String(defs.resources[logicalId]?.Properties[property]);
  const sqs = new SQSClient({ region });
  const dynamodb = new DynamoDBClient({ region });
  const queueUrl = async (queueName: string) =>
    (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl!;
  const stackName = `${defs.service}-${stage}`;
  let recordings: Promise<RecordingsBucket> | undefined;
  let eventBus: Promise<EventBus> | undefined;
  return {
    sqs,
    table: {
      client: createDocumentClient(sdkDynamoDb(dynamodb)),
      tableName: name('EventsTable', 'TableName'),
      retentionDays: 90,
    },
    queueUrl: await queueUrl(name('WebhookQueue', 'QueueName')),
    deadLetterQueueUrl: await queueUrl(name('DeadLetterQueue', 'QueueName')),
    stage,
    region,
    apiUrl: () => deployedApiUrl(stackName, region),
    recordings() {
      recordings ??= stackOutput(stackName, region, 'RecordingsBucketName').then((bucket) => ({
        s3: new S3Client({ region }),
        bucket,
      }));
      recordings.catch(() => {
        recordings = undefined;
      });
      return recordings;
    },
    queues: (choice) => queuesByName(sqs, stage, region, choice),
    eventBus() {
      eventBus ??= stackOutput(stackName, region, 'EventBusName').then((busName) => ({
        eventBridge: new EventBridgeClient({ region }),
        busName,
      }));
      eventBus.catch(() => {
        eventBus = undefined;
      });
      return eventBus;
    },
    close: () => {
      sqs.destroy();
      dynamodb.destroy();
      recordings?.then(({ s3 }) => s3.destroy()).catch(() => undefined);
      eventBus?.then(({ eventBridge }) => eventBridge.destroy()).catch(() => undefined);
    },
  };
}

/** `serverless deploy` records the HTTP API's URL as the stack output `HttpApiUrl`. */
async function deployedApiUrl(stackName: string, region: string): Promise<string> {
  return (await stackOutput(stackName, region, 'HttpApiUrl')).replace(/\/$/, '');
}

/** One output of the stage's CloudFormation stack (serverless.yml `resources.Outputs`, and the ones it adds). */
async function stackOutput(stackName: string, region: string, outputKey: string): Promise<string> {
  const cloudformation = new CloudFormationClient({ region });
  try {
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    const value = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === outputKey)?.OutputValue;
    if (!value) throw new Error(`stack ${stackName} has no ${outputKey} output; is it deployed (and up to date)?`);
    return value;
  } finally {
    cloudformation.destroy();
  }
}
