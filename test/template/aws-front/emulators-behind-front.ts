import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  startDynamoDb,
  startEventBridgeStandInHere,
  startS3,
  startSnsStandIn,
  startSqs,
  startSsmStandIn,
  type LocalEventBridge,
} from '../../../local/emulators';
import { STACK_CREDENTIALS } from '../../../local/local-credentials';
import { provisionResources } from '../../../local/provision';
import { resolveCloudFormation, type DeployedStack } from './cloudformation-values';
import type { EmulatorRoutes } from './forward-to-emulator';

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

export interface EmulatorsBehindFront {
  routes: EmulatorRoutes;
  /** SDK clients at the emulators (the local stack's key), for a test to read back what the handlers did. */
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  s3: S3Client;
  /** The EventBridge stand-in (its buses as the template names them): what the handlers published, by bus. */
  events: Pick<LocalEventBridge, 'published'>;
  /** The emulator's URL of a queue the template declares, by logical id. */
  queueUrl(logicalId: string): string;
  stop(): Promise<void>;
}

/**
 * The local emulators (local/emulators.ts) with the packaged template's queues and table created in them
 * (local/provision.ts, from the template's own resource definitions), and the SSM stand-in holding `parameters`
 * (name -> SecureString value), and its buckets in the S3 emulator under the names CloudFormation would give them,
 * and its event buses in the EventBridge stand-in (local/eventbridge-stand-in.ts) under their names.
 * Routes map each AWS-shaped queue URL of `stack` to the emulator's.
 */
export async function startEmulatorsBehindFront(
  resources: Resources,
  stack: DeployedStack,
  parameters: Record<string, string>,
): Promise<EmulatorsBehindFront> {
  // EventBridge in this process, as the local stack serves it: the test reads back from it what the worker published.
  const [dynamo, sqsEmulator, s3Emulator, ssm, sns, bus] = await Promise.all([
    startDynamoDb(),
    startSqs(),
    startS3(),
    startSsmStandIn(parameters),
    startSnsStandIn(false),
    startEventBridgeStandInHere(),
  ]);
  const client = { region: stack.region, credentials: STACK_CREDENTIALS };
  const sqs = new SQSClient({ ...client, endpoint: sqsEmulator.endpoint });
  const dynamodb = new DynamoDBClient({ ...client, endpoint: dynamo.endpoint });
  const s3 = new S3Client({ ...client, endpoint: s3Emulator.endpoint, forcePathStyle: true });
  const stop = async () => {
    sqs.destroy();
    dynamodb.destroy();
    s3.destroy();
    await Promise.all([dynamo.stop(), sqsEmulator.stop(), s3Emulator.stop(), ssm.stop(), sns.stop(), bus.stop()]);
  };
  try {
    const provisioned = Object.fromEntries(
      Object.entries(resources).filter(([, r]) =>
        ['AWS::SQS::Queue', 'AWS::DynamoDB::Table', 'AWS::SNS::Topic', 'AWS::Events::EventBus'].includes(r.Type),
      ),
    );
    const definitions = {
      service: '',
      stage: stack.stackName,
      environment: {},
      functions: [],
      resources: provisioned as Record<string, { Type: string; Properties: Record<string, unknown> }>,
    };
    const index = await provisionResources(definitions, { sqs, dynamodb, eventBuses: bus });
    for (const [id] of Object.entries(resources).filter(([, r]) => r.Type === 'AWS::S3::Bucket'))
      await s3.send(new CreateBucketCommand({ Bucket: String(resolveCloudFormation({ Ref: id }, resources, stack)) }));
    const queues = Object.keys(provisioned).filter((id) => provisioned[id]!.Type === 'AWS::SQS::Queue');
    const queueUrls = new Map(
      queues.map((id) => [String(resolveCloudFormation({ Ref: id }, resources, stack)), index[id]!.ref]),
    );
    return {
      routes: {
        endpoints: {
          sqs: sqsEmulator.endpoint,
          dynamodb: dynamo.endpoint,
          ssm: ssm.endpoint,
          sns: sns.endpoint,
          s3: s3Emulator.endpoint,
          events: bus.endpoint,
        },
        queueUrls,
        credentials: STACK_CREDENTIALS,
      },
      sqs,
      dynamodb,
      s3,
      events: { published: bus.published },
      queueUrl: (logicalId) => index[logicalId]!.ref,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
