import { marshall, unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import type { DocumentCommand, KeyNodes } from './commands';

/** One DynamoDB operation, its input and output in the wire shape: the SDK's DynamoDBClient (lib/aws/dynamodb-sdk-sender.ts) or a test's. */
export interface DynamoDbSender {
  call(operation: string, input: object): Promise<Record<string, unknown>>;
}

/** What the stores need of a document client: `send` of their commands (lib/store/commands.ts), answering native values. */
export interface DocumentClient {
  send<Output>(command: DocumentCommand<object, Output>): Promise<Output>;
}

const MARSHALL = { removeUndefinedValues: true, convertTopLevelContainer: true } as const;
const UNMARSHALL = { convertWithoutMapWrapper: true } as const;

/**
 * The stores' commands marshalled here the way lib-dynamodb's DynamoDBDocumentClient does (the same key nodes,
 * `removeUndefinedValues`) and sent as their operation.
 */
export function documentClient(client: DynamoDbSender): DocumentClient {
  return {
    async send<Output>(command: DocumentCommand<object, Output>): Promise<Output> {
      const input = processKeys(
        command.input,
        (value) => marshall(value as NativeAttributeValue, MARSHALL),
        command.inputKeyNodes,
      );
      const output = await client.call(command.operation, input);
      return processKeys(output, (value) => unmarshall(value as never, UNMARSHALL), command.outputKeyNodes) as Output;
    },
  };
}

// The walk of lib-dynamodb's commands/utils.js: `null` is the value itself, `{}` or `[]` every member of it (members
// that come out undefined dropped), `{"*": n}` every member with `n`, other keys those members only (the rest copied).
type Fn = (value: unknown) => unknown;

function processValue(value: unknown, fn: Fn, nodes: KeyNodes): unknown {
  if (value === undefined) return undefined;
  if (nodes === null) return fn(value);
  const keys = Object.keys(nodes);
  if (keys.length === 0) return eachMember(value as object, fn, null, true);
  if (keys.length === 1 && keys[0] === '*')
    return eachMember(value as object, fn, (nodes as Record<string, KeyNodes>)['*']!, false);
  return processKeys(value as object, fn, nodes);
}

function eachMember(value: object, fn: Fn, nodes: KeyNodes, dropUndefined: boolean): unknown {
  const result: Record<string, unknown> = {};
  const members: unknown[] = [];
  for (const [key, member] of Object.entries(value)) {
    if (typeof member === 'function') continue;
    const processed = processValue(member, fn, nodes);
    if (Array.isArray(value)) members.push(processed);
    else if (!dropUndefined || (processed !== undefined && typeof processed !== 'function')) result[key] = processed;
  }
  return Array.isArray(value) ? members : result;
}

function processKeys(value: object, fn: Fn, nodes: KeyNodes): object {
  const source = value as Record<string, unknown>;
  const result = (Array.isArray(value) ? value.filter((item) => typeof item !== 'function') : {}) as Record<
    string,
    unknown
  >;
  if (!Array.isArray(value))
    for (const [key, member] of Object.entries(source)) if (typeof member !== 'function') result[key] = member;
  for (const [key, child] of Object.entries(nodes ?? {})) {
    if (typeof source[key] === 'function') continue;
    const processed = processValue(source[key], fn, child as KeyNodes);
    if (processed !== undefined && typeof processed !== 'function') result[key] = processed;
  }
  return result;
}
