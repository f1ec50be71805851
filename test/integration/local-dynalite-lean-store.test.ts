import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { startDynamoDb, type Emulator } from '../../local/emulators';

/**
 * The DynamoDB emulator with local/dynalite-lean-store.mjs (items kept as strings, request ids from a pool) must
 * answer exactly as without it: the same items, in the same order, with the same pagination keys, for keys that
 * sort differently as UTF-16 and as UTF-8 (DynamoDB's order) and for numbers across signs.
 */
describe('DynamoDB emulator: the lean in-memory store answers as the default one (local/dynalite-lean-store.mjs)', () => {
  const emulators: Emulator[] = [];
  const clients: DynamoDBClient[] = [];
  let lean: DynamoDBClient;
  let plain: DynamoDBClient;

  const SORT_KEYS = ['a', 'B', 'z', '\u00e9t\u00e9', '\uFFFD', '\u{1F600}', '\uE000', '0', '~', '\u4e2d\u6587', 'a b', 'a\u0000b'];
  const NUMBERS = ['-1e10', '-3.5', '-0.001', '0', '0.001', '2', '10', '1e20', '123456789012345678901234567890'];

  async function tableOn(leanStore: 'on' | 'off'): Promise<DynamoDBClient> {
    const emulator = await startDynamoDb(undefined, { leanStore });
    emulators.push(emulator);
    const client = new DynamoDBClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    clients.push(client);
    await client.send(new CreateTableCommand({
      TableName: 'lean',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'S' },
        { AttributeName: 'n', AttributeType: 'N' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      GlobalSecondaryIndexes: [{ IndexName: 'byNumber', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }, { AttributeName: 'n', KeyType: 'RANGE' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['v'] } }],
    }));
    for (const [i, sk] of SORT_KEYS.entries()) {
      const n = NUMBERS[i % NUMBERS.length]!;
      const item: Record<string, AttributeValue> = { pk: { S: `p${i % 2}\u00fc` }, sk: { S: sk }, g: { S: 'all' }, n: { N: n }, v: { S: `value ${i}` }, b: { B: Buffer.from([i, 255 - i]) } };
      await client.send(new PutItemCommand({ TableName: 'lean', Item: item }));
    }
    // an update that moves an item within the index, and one that removes it from the index
    await client.send(new UpdateItemCommand({ TableName: 'lean', Key: { pk: { S: 'p0\u00fc' }, sk: { S: 'a' } }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '-99' } } }));
    await client.send(new UpdateItemCommand({ TableName: 'lean', Key: { pk: { S: 'p1\u00fc' }, sk: { S: 'B' } }, UpdateExpression: 'REMOVE g' }));
    return client;
  }

  before(async () => {
    [lean, plain] = await Promise.all([tableOn('on'), tableOn('off')]);
  });
  after(async () => {
    clients.forEach((c) => c.destroy());
    await Promise.all(emulators.map((e) => e.stop()));
  });

  /** Every page of a query or scan: its items and its LastEvaluatedKey, in order. */
  async function pages(client: DynamoDBClient, page: (start?: Record<string, AttributeValue>) => QueryCommand | ScanCommand): Promise<unknown[]> {
    const all: unknown[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const answer = await client.send(page(start) as QueryCommand);
      all.push({ items: answer.Items, last: answer.LastEvaluatedKey });
      start = answer.LastEvaluatedKey;
    } while (start);
    return all;
  }

  const reads: Array<[string, (start?: Record<string, AttributeValue>) => QueryCommand | ScanCommand]> = [
    ['a partition, ascending, 3 a page', (start) => new QueryCommand({ TableName: 'lean', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p0\u00fc' } }, Limit: 3, ExclusiveStartKey: start })],
    ['a partition, descending, 4 a page', (start) => new QueryCommand({ TableName: 'lean', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p1\u00fc' } }, ScanIndexForward: false, Limit: 4, ExclusiveStartKey: start })],
    ['a sort-key range', (start) => new QueryCommand({ TableName: 'lean', KeyConditionExpression: 'pk = :p AND sk > :s', ExpressionAttributeValues: { ':p': { S: 'p0\u00fc' }, ':s': { S: '\uE000' } }, ExclusiveStartKey: start })],
    ['the index by number, 2 a page', (start) => new QueryCommand({ TableName: 'lean', IndexName: 'byNumber', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'all' } }, Limit: 2, ExclusiveStartKey: start })],
    ['the index, numbers from -1', (start) => new QueryCommand({ TableName: 'lean', IndexName: 'byNumber', KeyConditionExpression: 'g = :g AND n >= :n', ExpressionAttributeValues: { ':g': { S: 'all' }, ':n': { N: '-1' } }, ExclusiveStartKey: start })],
    ['the whole table, 5 a page', (start) => new ScanCommand({ TableName: 'lean', Limit: 5, ExclusiveStartKey: start })],
  ];
  for (const [name, read] of reads) {
    it(`answers ${name} as the default store does`, async () => {
      const [fromLean, fromPlain] = await Promise.all([pages(lean, read), pages(plain, read)]);
      assert.deepEqual(fromLean, fromPlain);
      assert.ok(JSON.stringify(fromLean).includes('"items":[{'), 'the read found items');
    });
  }

  it('gives every answer its own 52-character request id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const answer = await lean.send(new ScanCommand({ TableName: 'lean', Limit: 1 }));
      assert.match(answer.$metadata.requestId ?? '', /^[A-Z0-9]{52}$/);
      ids.add(answer.$metadata.requestId!);
    }
    assert.equal(ids.size, 50);
  });
});
