// Records every AWS operation the local functions make, for the IAM parity check (test/template/iam-parity.test.ts):
// the front of each emulator or stand-in (local/aws-front.mjs) hands it every request whose signature it accepted;
// it reads who signed it (each function signs with its own access key id, `local-<function>`), the operation
// (X-Amz-Target, Action in a query-protocol body, or S3's REST method, path and query) and its resources (table,
// index, partition key, queue, parameter, topic, bucket and object key, event bus or rule ARN), and appends each
// distinct call to `file` as a JSON line.
import { appendFileSync } from 'node:fs';

const MAX_KEYS_PER_CALL = 50; // distinct partition keys kept per function, operation and table

/** `(headers, body) => void`: records the calls one request makes. */
export function createCallRecorder(file) {
  const seen = new Set();
  const keysPerCall = new Map();
  const record = (call) => {
    const id = JSON.stringify(call);
    if (seen.has(id)) return;
    if (call.key !== undefined || call.partitionValue !== undefined || call.object !== undefined) {
      const group = JSON.stringify({ ...call, key: undefined, partitionValue: undefined, object: undefined });
      const count = keysPerCall.get(group) ?? 0;
      if (count >= MAX_KEYS_PER_CALL) return;
      keysPerCall.set(group, count + 1);
    }
    seen.add(id);
    appendFileSync(file, `${id}\n`);
  };
  /** `request`: the method and request target as received (S3 names its operation and object by them). */
  return (headers, body, request = { method: 'POST', url: '/' }) => {
    try {
      for (const call of describeCalls(headers, body, request)) record(call);
    } catch (error) {
      record({ caller: callerOf(headers), unparsed: String(error) });
    }
  };
}

/**
 * `Credential=<access key id>/<date>/<region>/<service>/aws4_request` (the Authorization header, or a pre-signed
 * URL's X-Amz-Credential): the function, by its access key.
 */
function callerOf(headers, url = '') {
  return /Credential=([^/,\s]+)\//.exec(credentialOf(headers, url))?.[1] ?? 'unsigned';
}

const credentialOf = (headers, url) =>
  headers.authorization !== undefined
    ? String(headers.authorization)
    : `Credential=${decodeURIComponent(/[?&]X-Amz-Credential=([^&]*)/.exec(url)?.[1] ?? '')}`;

function describeCalls(headers, body, request) {
  const caller = callerOf(headers, request.url);
  const scope = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(credentialOf(headers, request.url))?.[1];
  if (scope === 's3') return [{ caller, service: 's3', ...describeS3Request(request.method, request.url, headers) }];
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    const [prefix, operation] = target.split('.');
    const input = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
    if (prefix.startsWith('DynamoDB')) return dynamodbCalls(caller, operation, input);
    if (prefix === 'AmazonSQS') return [{ caller, service: 'sqs', operation, queue: queueOf(input) }];
    if (prefix === 'AmazonSSM')
      return (input.Names ?? [input.Name]).map((name) => ({ caller, service: 'ssm', operation, parameter: name }));
    if (prefix === 'AWSEvents') return eventsCalls(caller, operation, input, regionOf(headers, request.url));
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

/**
 * An S3 REST request (path-style, `/<bucket>/<key>`): its operation, as the SDK names it, by method, path and query,
 * and its bucket and object key. IAM authorizes the multipart calls as s3:PutObject (test/template/recorded-calls.ts).
 * @param {string} method
 * @param {string} url the request target, path-style
 * @param {Record<string, unknown>} headers
 * @returns {{ operation: string, bucket?: string, object?: string }}
 */
export function describeS3Request(method, url, headers) {
  const at = url.indexOf('?');
  const path = at === -1 ? url : url.slice(0, at);
  const query = new URLSearchParams(at === -1 ? '' : url.slice(at + 1));
  const [bucket, ...keyParts] = path.slice(1).split('/').map(decodeURIComponent);
  const object = keyParts.length > 0 && keyParts.join('/') !== '' ? keyParts.join('/') : undefined;
  const resource = { bucket: bucket || undefined, ...(object !== undefined && { object }) };
  if (object === undefined) {
    const onBucket = {
      PUT: 'CreateBucket',
      HEAD: 'HeadBucket',
      DELETE: 'DeleteBucket',
      GET: bucket ? (query.has('uploads') ? 'ListMultipartUploads' : 'ListObjectsV2') : 'ListBuckets',
    };
    return { operation: onBucket[method] ?? `${method} bucket`, ...resource };
  }
  const upload = query.has('uploadId');
  const onObject = {
    GET: upload ? 'ListParts' : 'GetObject',
    HEAD: 'HeadObject',
    PUT: upload ? 'UploadPart' : headers['x-amz-copy-source'] !== undefined ? 'CopyObject' : 'PutObject',
    POST: query.has('uploads') ? 'CreateMultipartUpload' : upload ? 'CompleteMultipartUpload' : 'PostObject',
    DELETE: upload ? 'AbortMultipartUpload' : 'DeleteObject',
  };
  return { operation: onObject[method] ?? `${method} object`, ...resource };
}

/** The region a request was signed for (its credential scope): the local stack's ARNs name it. */
const regionOf = (headers, url) =>
  /Credential=[^/]+\/\d+\/([^/]+)\//.exec(credentialOf(headers, url))?.[1] ?? 'us-east-1';

/** The local stack's account (local/schedules.ts LOCAL_ACCOUNT): its ARNs name it. */
const LOCAL_ACCOUNT = '000000000000';

/**
 * EventBridge: IAM authorizes events:PutEvents on each bus an entry names (by name or ARN, `default` when none), and
 * the rule and target actions on the rule's ARN: the call names the ARN (local/eventbridge-stand-in.ts makes the same).
 */
function eventsCalls(caller, operation, input, region) {
  const arn = (resource) => `arn:aws:events:${region}:${LOCAL_ACCOUNT}:${resource}`;
  const busArn = (bus) =>
    typeof bus === 'string' && bus.startsWith('arn:') ? bus : arn(`event-bus/${bus || 'default'}`);
  if (operation === 'PutEvents') {
    const buses = new Set((input.Entries ?? []).map((entry) => busArn(entry?.EventBusName)));
    return [...buses].map((bus) => ({ caller, service: 'events', operation, bus }));
  }
  const ruleName = input.Rule ?? (operation.endsWith('Rule') ? input.Name : undefined);
  if (ruleName !== undefined) {
    const bus = busArn(input.EventBusName).split('event-bus/')[1];
    return [
      { caller, service: 'events', operation, rule: arn(`rule/${bus === 'default' ? '' : `${bus}/`}${ruleName}`) },
    ];
  }
  return [{ caller, service: 'events', operation, bus: busArn(input.Name ?? input.EventBusName) }];
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
