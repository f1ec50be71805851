import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import type { DynamoDbSender } from '../aws/dynamodb-json-client';

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
 * lib-dynamodb's commands sent as their plain commands, marshalling here the way DynamoDBDocumentClient does (its
 * key nodes, `removeUndefinedValues`). The deployed functions send them through the lean client
 * (lib/aws/dynamodb-json-client.ts); the CLI and the tests through the SDK's DynamoDBClient, which then needs no
 * document client of its own (that one resolves its whole middleware stack on every call).
 */
export function documentClient(client: DynamoDbSender): DocumentClient {
  const send = async (command: unknown): Promise<unknown> => {
    const { input, inputKeyNodes, outputKeyNodes, clientCommand } = command as DocumentCommand;
    clientCommand.input = processKeys(input, (value) => marshall(value as NativeAttributeValue, MARSHALL), inputKeyNodes);
    const output = await client.send(clientCommand);
    return processKeys(output as object, (value) => unmarshall(value as never, UNMARSHALL), outputKeyNodes);
  };
  return { send } as unknown as DocumentClient;
}

// The walk of lib-dynamodb's commands/utils.js: `null` is the value itself, `{}` or `[]` every member of it (members
// that come out undefined dropped), `{"*": n}` every member with `n`, other keys those members only (the rest copied).
type Fn = (value: unknown) => unknown;

function processValue(value: unknown, fn: Fn, nodes: KeyNodes): unknown {
  if (value === undefined) return undefined;
  if (nodes === null) return fn(value);
  const keys = Object.keys(nodes);
  if (keys.length === 0) return eachMember(value as object, fn, null, true);
  if (keys.length === 1 && keys[0] === '*') return eachMember(value as object, fn, (nodes as Record<string, KeyNodes>)['*']!, false);
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
  const result = (Array.isArray(value) ? value.filter((item) => typeof item !== 'function') : {}) as Record<string, unknown>;
  if (!Array.isArray(value)) for (const [key, member] of Object.entries(source)) if (typeof member !== 'function') result[key] = member;
  for (const [key, child] of Object.entries(nodes ?? {})) {
    if (typeof source[key] === 'function') continue;
    const processed = processValue(source[key], fn, child as KeyNodes);
    if (processed !== undefined && typeof processed !== 'function') result[key] = processed;
  }
  return result;
}
