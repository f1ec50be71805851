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
 * The IAM request a recorded call makes on the packaged stage: local names (`<service>-local-…`,
 * `/<service>/local/…`) become the packaged stage's, and a DynamoDB item's partition key value becomes
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
