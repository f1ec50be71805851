import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';

/** What the stores need of a document client: `send` of lib-dynamodb's commands (GetCommand, UpdateCommand, …). */
export type DocumentClient = Pick<DynamoDBDocumentClient, 'send'>;

/** The parts of a lib-dynamodb command used here: its input, which keys of it (and of the output) hold native values, and the plain command it wraps. */
interface DocumentCommand {
  input: object;
  inputKeyNodes: KeyNodes;
  outputKeyNodes: KeyNodes;
  clientCommand: { input: object };
}
type KeyNodes = { [key: string]: KeyNodes } | KeyNodes[] | null;

const MARSHALL = { removeUndefinedValues: true, convertTopLevelContainer: true } as const;
const UNMARSHALL = { convertWithoutMapWrapper: true } as const;

/**
 * lib-dynamodb's commands sent through a plain DynamoDBClient, marshalling here the way DynamoDBDocumentClient does
 * (its key nodes, `removeUndefinedValues`). The document client adds its marshalling middleware to each command and
 * resolves the whole middleware stack on every call, and it refuses `cacheMiddleware`; the plain client with
 * `cacheMiddleware: true` resolves the stack once per command type (functions/worker.ts, functions/swml.ts).
 */
export function documentClient(client: DynamoDBClient): DocumentClient {
  const send = async (command: unknown): Promise<unknown> => {
    const { input, inputKeyNodes, outputKeyNodes, clientCommand } = command as DocumentCommand;
    clientCommand.input = processKeys(input, (value) => marshall(value as NativeAttributeValue, MARSHALL), inputKeyNodes);
    const output = await client.send(clientCommand as Parameters<DynamoDBClient['send']>[0]);
    return processKeys(output, (value) => unmarshall(value as never, UNMARSHALL), outputKeyNodes);
  };
  return { send } as unknown as DocumentClient;
}

// The walk of lib-dynamodb's commands/utils.js: `null` is the value itself, `{}` or `[]` every member of it, `{"*": n}`
// every member with `n`, other keys those members only (the rest copied as they are).
function processValue(value: unknown, fn: (value: unknown) => unknown, nodes: KeyNodes): unknown {
  if (value === undefined) return undefined;
  if (nodes === null) return fn(value);
  const keys = Object.keys(nodes);
  if (keys.length === 0) return processAll(value as object, fn);
  if (keys.length === 1 && keys[0] === '*') {
    const next = (nodes as Record<string, KeyNodes>)['*']!;
    const result: Record<string, unknown> = Array.isArray(value) ? ([] as unknown as Record<string, unknown>) : {};
    for (const [key, member] of Object.entries(value as object)) if (typeof member !== 'function') result[key] = processValue(member, fn, next);
    return result;
  }
  return processKeys(value as object, fn, nodes);
}

function processKeys(value: object, fn: (value: unknown) => unknown, nodes: KeyNodes): object {
  const source = value as Record<string, unknown>;
  let result: Record<string, unknown>;
  if (Array.isArray(value)) result = value.filter((item) => typeof item !== 'function') as unknown as Record<string, unknown>;
  else {
    result = {};
    for (const key in source) if (Object.hasOwn(source, key) && typeof source[key] !== 'function') result[key] = source[key];
  }
  if (nodes === null) return result;
  for (const [key, child] of Object.entries(nodes)) {
    if (typeof source[key] === 'function') continue;
    const processed = processValue(source[key], fn, child as KeyNodes);
    if (processed !== undefined && typeof processed !== 'function') result[key] = processed;
  }
  return result;
}

function processAll(value: object, fn: (value: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => typeof item !== 'function').map((item) => processValue(item, fn, null));
  const result: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (typeof member === 'function') continue;
    const processed = processValue(member, fn, null);
    if (processed !== undefined && typeof processed !== 'function') result[key] = processed;
  }
  return result;
}
