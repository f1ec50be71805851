import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT, REGION } from './iam-policies';

/** One AWS call as local/aws-call-recorder.mjs wrote it. */
export interface RecordedCall {
  caller: string;
  service: string;
  operation: string;
  queue?: string;
  table?: string;
  index?: string;
  key?: Record<string, unknown>;
  partitionValue?: unknown;
  parameter?: string;
  topic?: string;
  /** S3: the bucket, and the object's key when the call names one. */
  bucket?: string;
  object?: string;
  /** EventBridge: the bus's ARN (PutEvents, bus actions) or the rule's (rule and target actions), local account's. */
  bus?: string;
  rule?: string;
  unparsed?: string;
}

/** What IAM is asked for one call: the action, the resource's ARN on the packaged stage, and the request context. */
export interface IamRequest {
  fn: string;
  action: string;
  resource: string;
  context: Record<string, string[]>;
}

/** Every call recorded under `dir`, with the test file that made it (the recording's name starts with it). */
export function readRecordedCalls(dir: string): { call: RecordedCall; file: string }[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) =>
      readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => ({
          call: JSON.parse(line) as RecordedCall,
          file: name.replace(/-\d+-[0-9a-f]{8}-\w+\.jsonl$/, ''),
        })),
    );
}

// IAM authorizes the batch forms with the single-message actions.
const SQS_ACTIONS: Record<string, string> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

/**
 * The IAM action of each S3 operation (the S3 API names them otherwise): the multipart upload's calls are s3:PutObject,
 * HeadObject is s3:GetObject, the bucket-level reads s3:ListBucket.
 */
const S3_ACTIONS: Record<string, string> = {
  PutObject: 'PutObject',
  CreateMultipartUpload: 'PutObject',
  UploadPart: 'PutObject',
  CompleteMultipartUpload: 'PutObject',
  CopyObject: 'PutObject',
  AbortMultipartUpload: 'AbortMultipartUpload',
  GetObject: 'GetObject',
  HeadObject: 'GetObject',
  ListParts: 'ListMultipartUploadParts',
  DeleteObject: 'DeleteObject',
  CreateBucket: 'CreateBucket',
  DeleteBucket: 'DeleteBucket',
  HeadBucket: 'ListBucket',
  ListObjectsV2: 'ListBucket',
  ListMultipartUploads: 'ListBucketMultipartUploads',
  ListBuckets: 'ListAllMyBuckets',
};

/**
 * The IAM request a recorded call makes on the packaged stage: local names (`<service>-local-…`,
 * `/<service>/local/…`, the event bus `<service>-local`) become the packaged stage's, and a DynamoDB item's partition key value becomes
 * dynamodb:LeadingKeys. `hashKey` names a table's partition key attribute. Undefined for calls that are not a
 * function's (the local stack provisioning, a test's own client, the CLI: access key `local`).
 */
export function toIamRequest(
  call: RecordedCall,
  names: { service: string; localStage: string; stage: string },
  hashKey: (table: string) => string | undefined,
): IamRequest | undefined {
  if (!call.caller.startsWith('local-')) return undefined;
  const fn = call.caller.slice('local-'.length);
  const rename = (name: string) =>
    name
      .replace(`${names.service}-${names.localStage}-`, `${names.service}-${names.stage}-`)
      .replace(`/${names.service}/${names.localStage}/`, `/${names.service}/${names.stage}/`);
  const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
  switch (call.service) {
    case 'sqs':
      return {
        fn,
        action: `sqs:${SQS_ACTIONS[call.operation] ?? call.operation}`,
        resource: arn('sqs', rename(call.queue ?? '*')),
        context: {},
      };
    case 'ssm':
      return {
        fn,
        action: `ssm:${call.operation}`,
        resource: arn('ssm', `parameter${rename(call.parameter ?? '')}`),
        context: {},
      };
    case 'sns':
      return {
        fn,
        action: `sns:${call.operation}`,
        resource: arn('sns', rename(call.topic?.split(':').pop() ?? '*')),
        context: {},
      };
    case 's3': {
      // S3 ARNs name no region or account: arn:aws:s3:::<bucket>[/<key>]
      const bucket = rename(call.bucket ?? '');
      return {
        fn,
        action: `s3:${S3_ACTIONS[call.operation] ?? call.operation}`,
        resource: bucket === '' ? '*' : `arn:aws:s3:::${bucket}${call.object !== undefined ? `/${call.object}` : ''}`,
        context: {},
      };
    }
    case 'events': {
      const local = call.bus ?? call.rule;
      return {
        fn,
        action: `events:${call.operation}`,
        resource: local === undefined ? '*' : arn('events', eventsResource(local, names)),
        context: {},
      };
    }
    case 'dynamodb': {
      const table = rename(call.table ?? '*');
      const keyName = hashKey(table);
      const leading = call.partitionValue ?? (keyName !== undefined ? call.key?.[keyName] : undefined);
      return {
        fn,
        action: `dynamodb:${call.operation}`,
        resource: arn('dynamodb', `table/${table}${call.index ? `/index/${call.index}` : ''}`),
        context: leading !== undefined ? { 'dynamodb:LeadingKeys': [String(leading)] } : {},
      };
    }
    default:
      return { fn, action: `${call.service}:${call.operation}`, resource: '*', context: {} };
  }
}

/**
 * A local EventBridge ARN's resource on the packaged stage: the stage's bus is named `<service>-<stage>` (no suffix,
 * so the `<service>-<stage>-` prefix of the other names does not match it), a rule `rule/[<bus>/]<name>`; another
 * bus (`default`, one of the user's) keeps its name, so that a call on it is held against the role as it is.
 */
function eventsResource(localArn: string, names: { service: string; localStage: string; stage: string }): string {
  const resource = localArn.split(':').slice(5).join(':');
  const localBus = `${names.service}-${names.localStage}`;
  return resource
    .split('/')
    .map((part, at) =>
      at === 0
        ? part
        : part === localBus
          ? `${names.service}-${names.stage}`
          : part.replace(`${localBus}-`, `${names.service}-${names.stage}-`),
    )
    .join('/');
}
