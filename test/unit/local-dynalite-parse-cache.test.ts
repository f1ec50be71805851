import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { startDynamoDb, type Emulator } from '../../local/emulators';

// The DynamoDB emulator caches dynalite's expression parses (local/dynalite-parse-cache.mjs). The same requests go to
// an emulator without the cache and to one with it: every answer, error and stored item must be the same.
type Update = { key: string; update: string; condition?: string; names?: Record<string, string>; values?: Record<string, AttributeValue> };

const requests: Update[] = [
  // The same expression again and again with new values, as the worker sends it.
  ...['1', '2', '3'].map((rank) => ({ key: 'a', update: 'SET #rank = :r, #state = :s ADD #seen :ks', condition: '(attribute_not_exists(pk) OR #rank < :r) AND NOT contains(#seen, :k)', names: { '#rank': 'rank', '#state': 'state', '#seen': 'seen' }, values: { ':r': { N: rank }, ':s': { S: `state-${rank}` }, ':ks': { SS: [`k${rank}`] }, ':k': { S: `k${rank}` } } })),
  // Refused by its condition (a lower rank), then by a repeated event key.
  { key: 'a', update: 'SET #rank = :r, #state = :s ADD #seen :ks', condition: '(attribute_not_exists(pk) OR #rank < :r) AND NOT contains(#seen, :k)', names: { '#rank': 'rank', '#state': 'state', '#seen': 'seen' }, values: { ':r': { N: '2' }, ':s': { S: 'late' }, ':ks': { SS: ['k9'] }, ':k': { S: 'k9' } } },
  // A value used only by the condition, then the same condition with an update that uses the value too.
  { key: 'b', update: 'SET note = :n', condition: 'attribute_not_exists(pk) OR note <> :x', values: { ':n': { S: 'one' }, ':x': { S: 'zzz' } } },
  { key: 'b', update: 'SET note = :x', condition: 'attribute_not_exists(pk) OR note <> :x', values: { ':x': { S: 'two' } } },
  // An unused value is an error every time, cached or not.
  { key: 'c', update: 'SET note = :n', values: { ':n': { S: 'x' }, ':unused': { S: 'y' } } },
  { key: 'c', update: 'SET note = :n', values: { ':n': { S: 'x' }, ':unused': { S: 'y' } } },
  // The same expression with a value of another type: ADD of a number, then of a string (an error).
  { key: 'd', update: 'ADD hits :one', values: { ':one': { N: '1' } } },
  { key: 'd', update: 'ADD hits :one', values: { ':one': { N: '5' } } },
  { key: 'd', update: 'ADD hits :one', values: { ':one': { S: 'five' } } },
  // Names that Object.prototype has: the parse's maps have no prototype, nor may the cached copies.
  { key: 'e', update: 'SET #c = :v', condition: 'attribute_not_exists(#c)', names: { '#c': 'constructor' }, values: { ':v': { S: 'first' } } },
  { key: 'e', update: 'SET #c = :v', condition: 'attribute_not_exists(#c)', names: { '#c': 'constructor' }, values: { ':v': { S: 'second' } } },
  // Value-dependent checks are never cached: attribute_type with a valid and an invalid type name.
  { key: 'f', update: 'SET t = :v', condition: 'attribute_not_exists(t) OR attribute_type(t, :type)', values: { ':v': { S: 'x' }, ':type': { S: 'S' } } },
  { key: 'f', update: 'SET t = :v', condition: 'attribute_not_exists(t) OR attribute_type(t, :type)', values: { ':v': { S: 'y' }, ':type': { S: 'NOPE' } } },
];

async function startWith(parseCache: 'on' | 'off'): Promise<{ emulator: Emulator; client: DynamoDBClient }> {
  const emulator = await startDynamoDb(undefined, { parseCache });
  const client = new DynamoDBClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  await client.send(new CreateTableCommand({ TableName: 'events', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }));
  return { emulator, client };
}

async function outcomes(client: DynamoDBClient): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const r of requests) {
    const answer = await client
      .send(new UpdateItemCommand({ TableName: 'events', Key: { pk: { S: r.key } }, UpdateExpression: r.update, ConditionExpression: r.condition, ExpressionAttributeNames: r.names, ExpressionAttributeValues: r.values }))
      .then(() => 'ok', (error: Error) => `${error.name}: ${error.message}`);
    const { Item } = await client.send(new GetItemCommand({ TableName: 'events', Key: { pk: { S: r.key } }, ConsistentRead: true }));
    results.push({ answer, item: Item ?? null });
  }
  return results;
}

describe('the DynamoDB emulator with its expression-parse cache', () => {
  const started: { emulator: Emulator; client: DynamoDBClient }[] = [];
  before(async () => {
    started.push(await startWith('off'), await startWith('on'));
  });
  after(async () => {
    for (const { emulator, client } of started) {
      client.destroy();
      await emulator.stop();
    }
  });

  it('answers every request, error and stored item as dynalite does without it', async () => {
    const [withoutCache, withCache] = [await outcomes(started[0]!.client), await outcomes(started[1]!.client)];
    assert.deepEqual(withCache, withoutCache);
    // The sequence does exercise both paths: some refusals and errors, and writes that took.
    const answers = withoutCache.map((o) => (o as { answer: string }).answer);
    assert.ok(answers.filter((a) => a === 'ok').length >= 6, answers.join('\n'));
    assert.ok(answers.some((a) => a.startsWith('ConditionalCheckFailedException')), answers.join('\n'));
    assert.ok(answers.some((a) => /unused/.test(a)), answers.join('\n'));
    assert.ok(answers.some((a) => /Invalid attribute type name/.test(a)), answers.join('\n'));
  });
});
