import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';

/** Which keys of an input or output hold native values: lib-dynamodb's key nodes (see document-client.ts). */
export type KeyNodes = { [key: string]: KeyNodes } | KeyNodes[] | null;

/**
 * A DynamoDB operation the stores send, with native values: what lib-dynamodb's commands carry (the same names, the
 * same inputs and outputs, the same key nodes). The document client (document-client.ts) marshalls them and sends
 * them through the SDK's DynamoDBClient (lib/aws/dynamodb-sdk-sender.ts).
 */
export abstract class DocumentCommand<Input extends object, Output> {
  /** The output type only (never set): what `DocumentClient.send` resolves to. */
  declare readonly output?: Output;
  abstract readonly operation: string;
  abstract readonly inputKeyNodes: KeyNodes;
  abstract readonly outputKeyNodes: KeyNodes;
  constructor(readonly input: Input) {}
}

const EXPECTED = { '*': { Value: null, AttributeValueList: [] } };
const WRITE_OUTPUT = { Attributes: {}, ItemCollectionMetrics: { ItemCollectionKey: {} } };

export class GetCommand extends DocumentCommand<GetCommandInput, GetCommandOutput> {
  readonly operation = 'GetItem';
  readonly inputKeyNodes = { Key: {} };
  readonly outputKeyNodes = { Item: {} };
}

export class PutCommand extends DocumentCommand<PutCommandInput, PutCommandOutput> {
  readonly operation = 'PutItem';
  readonly inputKeyNodes = { Item: {}, Expected: EXPECTED, ExpressionAttributeValues: {} };
  readonly outputKeyNodes = WRITE_OUTPUT;
}

export class UpdateCommand extends DocumentCommand<UpdateCommandInput, UpdateCommandOutput> {
  readonly operation = 'UpdateItem';
  readonly inputKeyNodes = {
    Key: {},
    AttributeUpdates: { '*': { Value: null } },
    Expected: EXPECTED,
    ExpressionAttributeValues: {},
  };
  readonly outputKeyNodes = WRITE_OUTPUT;
}

export class DeleteCommand extends DocumentCommand<DeleteCommandInput, DeleteCommandOutput> {
  readonly operation = 'DeleteItem';
  readonly inputKeyNodes = { Key: {}, Expected: EXPECTED, ExpressionAttributeValues: {} };
  readonly outputKeyNodes = WRITE_OUTPUT;
}

export class QueryCommand extends DocumentCommand<QueryCommandInput, QueryCommandOutput> {
  readonly operation = 'Query';
  readonly inputKeyNodes = {
    KeyConditions: { '*': { AttributeValueList: [] } },
    QueryFilter: { '*': { AttributeValueList: [] } },
    ExclusiveStartKey: {},
    ExpressionAttributeValues: {},
  };
  readonly outputKeyNodes = { Items: { '*': {} }, LastEvaluatedKey: {} };
}

export class BatchGetCommand extends DocumentCommand<BatchGetCommandInput, BatchGetCommandOutput> {
  readonly operation = 'BatchGetItem';
  readonly inputKeyNodes = { RequestItems: { '*': { Keys: { '*': {} } } } };
  readonly outputKeyNodes = { Responses: { '*': { '*': {} } }, UnprocessedKeys: { '*': { Keys: { '*': {} } } } };
}

const WRITE_REQUESTS = { '*': { '*': { PutRequest: { Item: {} }, DeleteRequest: { Key: {} } } } };

export class BatchWriteCommand extends DocumentCommand<BatchWriteCommandInput, BatchWriteCommandOutput> {
  readonly operation = 'BatchWriteItem';
  readonly inputKeyNodes = { RequestItems: WRITE_REQUESTS };
  readonly outputKeyNodes = {
    UnprocessedItems: WRITE_REQUESTS,
    ItemCollectionMetrics: { '*': { '*': { ItemCollectionKey: {} } } },
  };
}

export type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
