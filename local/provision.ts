import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalDefinitions } from './serverless-config';

/** What `Ref` and `Fn::GetAtt` of each created resource resolve to. */
export type ResourceIndex = Record<string, { ref: string; attributes: Record<string, string> }>;

// The queue attributes the emulator understands; the rest (encryption, tags) only matter on AWS.
const QUEUE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'FifoQueue',
  'ContentBasedDeduplication',
];

/**
 * The name of a bucket serverless.yml leaves unnamed: CloudFormation names it `<stack>-<logical id>-<random>`, in lower
 * case; locally (and in the IAM parity check) it is the same without the random part, so it is known in advance.
 */
export const unnamedBucketName = (stackName: string, logicalId: string) => `${stackName}-${logicalId}`.toLowerCase();

/** The account and region of every local ARN (an SQS queue's is `arn:aws:sqs:us-east-1:000000000000:<name>`). */
const LOCAL_ARN = 'us-east-1:000000000000';

/**
 * Creates the serverless.yml queues, tables and buckets in the emulators: queues a redrive policy points to come
 * first. Buckets need `clients.s3` (path-style, at the S3 emulator); event buses are created in `clients.eventBuses`
 * (the local EventBridge) when given, and resolve to their local name and ARN either way.
 */
export async function provisionResources(
  defs: LocalDefinitions,
  clients: {
    sqs: SQSClient;
    dynamodb: DynamoDBClient;
    s3?: S3Client;
    eventBuses?: { createEventBus(name: string): string };
  },
  overrides: { queueAttributes?: Record<string, string> } = {},
): Promise<ResourceIndex> {
  const index: ResourceIndex = {};
  const entries = Object.entries(defs.resources);
  const queues = entries.filter(([, r]) => r.Type === 'AWS::SQS::Queue');
  const ordered = [
    ...queues.filter(([, r]) => !r.Properties.RedrivePolicy),
    ...queues.filter(([, r]) => r.Properties.RedrivePolicy),
  ];
  for (const [logicalId, { Properties: props }] of ordered) {
    const attributes: Record<string, string> = {};
    for (const name of QUEUE_ATTRIBUTES) if (props[name] !== undefined) attributes[name] = String(props[name]);
    if (props.RedrivePolicy) attributes.RedrivePolicy = JSON.stringify(resolveIntrinsics(props.RedrivePolicy, index));
    if (props.RedrivePolicy) Object.assign(attributes, overrides.queueAttributes);
    const queueName = String(props.QueueName);
    const { QueueUrl } = await clients.sqs.send(
      new CreateQueueCommand({ QueueName: queueName, Attributes: attributes }),
    );
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    index[logicalId] = { ref: QueueUrl!, attributes: { Arn: Attributes!.QueueArn!, QueueName: queueName } };
  }
  for (const [logicalId, { Properties: props }] of entries.filter(([, r]) => r.Type === 'AWS::DynamoDB::Table')) {
    const input = {
      TableName: props.TableName,
      AttributeDefinitions: props.AttributeDefinitions,
      KeySchema: props.KeySchema,
      BillingMode: props.BillingMode,
      GlobalSecondaryIndexes: props.GlobalSecondaryIndexes,
    } as CreateTableCommandInput;
    try {
      await clients.dynamodb.send(new CreateTableCommand(input));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error; // kept from an earlier run (on-disk data)
      await refuseMissingIndexes(clients.dynamodb, input);
    }
    index[logicalId] = {
      ref: String(props.TableName),
      attributes: { Arn: `arn:aws:dynamodb:us-east-1:000000000000:table/${props.TableName}` },
    };
  }
  // Buckets (their policy, encryption, lifecycle and logging only matter on AWS): kept from an earlier run on disk.
  for (const [logicalId, { Properties: props }] of entries.filter(([, r]) => r.Type === 'AWS::S3::Bucket')) {
    if (!clients.s3) throw new Error(`local stack: bucket ${logicalId} needs the S3 emulator`);
    const name =
      typeof props.BucketName === 'string'
        ? props.BucketName
        : unnamedBucketName(defs.service ? `${defs.service}-${defs.stage}` : defs.stage, logicalId);
    try {
      await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
    } catch (error) {
      const code = (error as { name?: string }).name;
      if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
    }
    index[logicalId] = {
      ref: name,
      attributes: {
        Arn: `arn:aws:s3:::${name}`,
        DomainName: `${name}.s3.amazonaws.com`,
        RegionalDomainName: `${name}.s3.us-east-1.amazonaws.com`,
      },
    };
  }
  // Event buses (the product's events, lib/events/): Ref is the name, Arn the local bus's.
  for (const [logicalId, { Properties: props }] of entries.filter(([, r]) => r.Type === 'AWS::Events::EventBus')) {
    const name = String(props.Name);
    const arn = clients.eventBuses?.createEventBus(name) ?? `arn:aws:events:${LOCAL_ARN}:event-bus/${name}`;
    index[logicalId] = { ref: name, attributes: { Arn: arn, Name: name } };
  }
  // Topics live in the SNS stand-in (local/sns-stand-in.mjs), which takes any topic ARN: nothing to create.
  for (const [logicalId, { Properties: props }] of entries.filter(([, r]) => r.Type === 'AWS::SNS::Topic')) {
    const arn = `arn:aws:sns:us-east-1:000000000000:${props.TopicName}`;
    index[logicalId] = { ref: arn, attributes: { TopicArn: arn, TopicName: String(props.TopicName) } };
  }
  return index;
}

/**
 * A table kept on disk by an older version may lack an index added since (the archive's gsi2), and the emulator
 * cannot add one to an existing table: say so at start rather than fail in the first command that reads it.
 */
async function refuseMissingIndexes(dynamodb: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: input.TableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = (input.GlobalSecondaryIndexes ?? [])
    .map((index) => index.IndexName)
    .filter((name) => !present.has(name));
  if (missing.length > 0) {
    throw new Error(
      `local table ${input.TableName} was created without index ${missing.join(', ')} (an older version): move .local/dynamodb away to start afresh`,
    );
  }
}

/** Replaces `{ Ref: X }`, `{ 'Fn::GetAtt': [X, attribute] }` and `Fn::Join` with the local values. */
export function resolveIntrinsics(value: unknown, index: ResourceIndex): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, index));
  if (value === null || typeof value !== 'object') return value;
  const node = value as Record<string, unknown>;
  if (typeof node.Ref === 'string') return resource(index, node.Ref).ref;
  const getAtt = node['Fn::GetAtt'];
  if (Array.isArray(getAtt)) {
    const value = resource(index, String(getAtt[0])).attributes[String(getAtt[1])];
    if (value === undefined) throw new Error(`local stack: Fn::GetAtt ${getAtt.join('.')} is not supported`);
    return value;
  }
  const join = node['Fn::Join'];
  if (Array.isArray(join)) return (resolveIntrinsics(join[1], index) as unknown[]).join(String(join[0]));
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolveIntrinsics(v, index)]));
}

function resource(index: ResourceIndex, logicalId: string) {
  const found = index[logicalId];
  if (!found) throw new Error(`local stack: no resource ${logicalId} in serverless.yml`);
  return found;
}
