// Records every AWS operation the local functions make, for the IAM parity check (test/template/iam-parity.test.ts):
// the front of each emulator or stand-in (local/aws-front.mjs) hands it every request whose signature it accepted;
// it reads who signed it (each function signs with its own access key id, `local-<function>`), the operation
// (X-Amz-Target, or Action in a query-protocol body) and its resources (table, index, partition key, queue,
// parameter, topic), and appends each distinct call to `file` as a JSON line.
import { appendFileSync } from 'node:fs';

const MAX_KEYS_PER_CALL = 50; // distinct partition keys kept per function, operation and table

/** `(headers, body) => void`: records the calls one request makes. */
export function createCallRecorder(file) {
  const seen = new Set();
  const keysPerCall = new Map();
  const record = (call) => {
    const id = JSON.stringify(call);
    if (seen.has(id)) return;
    if (call.key !== undefined || call.partitionValue !== undefined) {
      const group = JSON.stringify({ ...call, key: undefined, partitionValue: undefined });
      const count = keysPerCall.get(group) ?? 0;
      if (count >= MAX_KEYS_PER_CALL) return;
      keysPerCall.set(group, count + 1);
    }
    seen.add(id);
    appendFileSync(file, `${id}\n`);
  };
  return (headers, body) => {
    try {
      for (const call of describeCalls(headers, body)) record(call);
    } catch (error) {
      record({ caller: callerOf(headers), unparsed: String(error) });
    }
  };
}

/** `Credential=<access key id>/<date>/<region>/<service>/aws4_request`: the function, by its access key. */
function callerOf(headers) {
  return /Credential=([^/,\s]+)\//.exec(String(headers.authorization ?? ''))?.[1] ?? 'unsigned';
}

function describeCalls(headers, body) {
  const caller = callerOf(headers);
  const scope = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1];
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    const [prefix, operation] = target.split('.');
    const input = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
    if (prefix.startsWith('DynamoDB')) return dynamodbCalls(caller, operation, input);
    if (prefix === 'AmazonSQS') return [{ caller, service: 'sqs', operation, queue: queueOf(input) }];
    if (prefix === 'AmazonSSM')
      return (input.Names ?? [input.Name]).map((name) => ({ caller, service: 'ssm', operation, parameter: name }));
    return [{ caller, service: scope ?? prefix, operation }];
  }
  const form = new URLSearchParams(body.toString('utf8'));
  const operation = form.get('Action');
  if (scope === 'sns') return [{ caller, service: 'sns', operation, topic: form.get('TopicArn') ?? undefined }];
  if (scope === 'sqs')
    return [
      {
        caller,
        service: 'sqs',
        operation,
        queue: queueOf({ QueueUrl: form.get('QueueUrl'), QueueName: form.get('QueueName') }),
      },
    ];
  return [{ caller, service: scope ?? 'unknown', operation: operation ?? 'unknown' }];
}

function queueOf(input) {
  if (typeof input.QueueUrl === 'string') return input.QueueUrl.split('/').pop();
  return input.QueueName ?? undefined;
}

/** One call per table (and item, for key-addressed operations): IAM checks dynamodb:LeadingKeys per item. */
function dynamodbCalls(caller, operation, input) {
  const call = (table, extra) => ({ caller, service: 'dynamodb', operation, table, ...extra });
  const keyed = (table, key) =>
    call(table, {
      key: Object.fromEntries(Object.entries(key ?? {}).map(([name, value]) => [name, Object.values(value)[0]])),
    });
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [keyed(input.TableName, input.Key)];
    case 'PutItem':
      return [keyed(input.TableName, input.Item)];
    case 'TransactWriteItems':
      return input.TransactItems.map((item) => {
        const [kind, op] = Object.entries(item)[0];
        return {
          ...keyed(op.TableName, op.Key ?? op.Item),
          operation: kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`,
          via: operation,
        };
      });
    case 'BatchWriteItem':
      return Object.entries(input.RequestItems).flatMap(([table, requests]) =>
        requests.map((r) => keyed(table, r.PutRequest?.Item ?? r.DeleteRequest?.Key)),
      );
    case 'BatchGetItem':
      return Object.entries(input.RequestItems).flatMap(([table, request]) =>
        (request.Keys ?? []).map((key) => keyed(table, key)),
      );
    case 'Query':
      return [
        call(input.TableName, {
          ...(input.IndexName && { index: input.IndexName }),
          partitionValue: queryPartitionValue(input),
        }),
      ];
    default:
      return [call(input.TableName, input.IndexName ? { index: input.IndexName } : {})];
  }
}

/** The value compared to the partition key in a Query's `#name = :value` key condition. */
function queryPartitionValue(input) {
  const match = /(#?\w+)\s*=\s*(:\w+)/.exec(input.KeyConditionExpression ?? '');
  if (!match) return undefined;
  return Object.values(input.ExpressionAttributeValues?.[match[2]] ?? {})[0];
}
