import assert from 'node:assert/strict';
import type { Server, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { BatchGetCommand, BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '../../lib/store/commands';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@smithy/core/checksum';
import { AwsRequestError, regionalEndpoint } from '../../lib/aws/aws-json-client';
import { sdkDynamoDb } from '../../lib/aws/dynamodb-sdk-sender';
import { documentClient, type DocumentClient } from '../../lib/store/document-client';
import { isConditionFailure } from '../../lib/store/table';
import { startTable } from '../helpers/dynamodb-table';
import { leanDynamoDb } from '../helpers/lean-dynamodb';
import { scriptedServer } from '../helpers/scripted-server';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The deployed functions send DynamoDB's commands through the lean client (lib/aws/dynamodb-json-client.ts), the CLI
 * through the SDK's. The same commands must come back the same from both, errors included, against the emulator.
 */
describe('the lean DynamoDB client answers as the SDK client does (DynamoDB emulator)', () => {
  let stop: () => Promise<void>;
  let viaSdk: DocumentClient;
  let viaLean: DocumentClient;
  const attempts: string[] = [];
  before(async () => {
    const table = await startTable();
    stop = table.stop;
    viaSdk = documentClient(sdkDynamoDb(table.dynamodb));
    viaLean = documentClient(leanDynamoDb(table.endpoint, { onAttempt: (operation) => attempts.push(operation) }));
  });
  after(async () => {
    await stop?.();
  });

  const withoutMetadata = (output: unknown) => {
    const { $metadata: _, ...rest } = output as Record<string, unknown>;
    return rest;
  };

  it('writes and reads the same items: Put, Update with ReturnValues, Get, Query, BatchWrite, BatchGet, Delete', async () => {
    for (const [name, client] of [['sdk', viaSdk], ['lean', viaLean]] as const) {
      const pk = `P#${name}`;
      // given items of every attribute type the stores write (strings, numbers, booleans, null, lists, maps, string sets)
      await client.send(new PutCommand({ TableName: 'events', Item: { pk, sk: 'A', n: 1.5, big: 12345678901, ok: true, none: null, list: ['x', 2], map: { k: 'v' }, set: new Set(['a', 'b']), text: 'é ✓ "quoted"' } }));
      await client.send(new BatchWriteCommand({ RequestItems: { events: [{ PutRequest: { Item: { pk, sk: 'B', n: 2 } } }, { PutRequest: { Item: { pk, sk: 'C', n: 3 } } }] } }));
      await client.send(new DeleteCommand({ TableName: 'events', Key: { pk, sk: 'C' } }));
      const updated = await client.send(new UpdateCommand({ TableName: 'events', Key: { pk, sk: 'B' }, UpdateExpression: 'ADD n :one SET #s = :s', ExpressionAttributeNames: { '#s': 'state' }, ExpressionAttributeValues: { ':one': 1, ':s': 'answered' }, ReturnValues: 'ALL_NEW' }));
      assert.deepEqual(withoutMetadata(updated), { Attributes: { pk, sk: 'B', n: 3, state: 'answered' } }, name);
    }
    // then every read answers the same through both clients
    const reads = (pk: string) => [
      new GetCommand({ TableName: 'events', Key: { pk, sk: 'A' } }),
      new QueryCommand({ TableName: 'events', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }),
      new BatchGetCommand({ RequestItems: { events: { Keys: [{ pk, sk: 'A' }, { pk, sk: 'B' }, { pk, sk: 'C' }] } } }),
    ];
    const fromSdk = reads('P#sdk');
    const fromLean = reads('P#lean');
    for (let i = 0; i < fromSdk.length; i++) {
      const a = JSON.parse(JSON.stringify(withoutMetadata(await viaSdk.send(fromSdk[i] as never)), setsAsLists).replaceAll('P#sdk', 'P#'));
      const b = JSON.parse(JSON.stringify(withoutMetadata(await viaLean.send(fromLean[i] as never)), setsAsLists).replaceAll('P#lean', 'P#'));
      // BatchGetItem answers in no particular order (DynamoDB's rule): compare its items by key.
      for (const answer of [a, b]) for (const items of Object.values(answer.Responses ?? {}) as { sk: string }[][]) items.sort((x, y) => x.sk.localeCompare(y.sk));
      assert.deepEqual(b, a);
    }
    const { Item } = (await viaLean.send(new GetCommand({ TableName: 'events', Key: { pk: 'P#lean', sk: 'A' } }))) as { Item: Record<string, unknown> };
    assert.deepEqual(Item.set, new Set(['a', 'b']));
    assert.equal(Item.text, 'é ✓ "quoted"');
    assert.equal(Item.big, 12345678901);
  });

  it('refuses a failed condition with the same error name (isConditionFailure), not tried again', async () => {
    const write = () => new PutCommand({ TableName: 'events', Item: { pk: 'COND', sk: 'A' }, ConditionExpression: 'attribute_not_exists(pk)' });
    await viaLean.send(write());
    const sdkError = await viaSdk.send(write()).then(() => undefined, (error: unknown) => error);
    attempts.length = 0;
    const leanError = await viaLean.send(write()).then(() => undefined, (error: unknown) => error);
    assert.ok(isConditionFailure(sdkError));
    assert.ok(isConditionFailure(leanError), String(leanError));
    assert.equal((leanError as AwsRequestError).retryable, false);
    assert.deepEqual(attempts, ['PutItem'], 'one attempt: a condition failure is final');
  });

  it('names a validation error as the SDK does, with the service message', async () => {
    const leanError = (await viaLean.send(new GetCommand({ TableName: 'no-such-table', Key: { pk: 'x', sk: 'y' } })).catch((error: unknown) => error)) as Error;
    const sdkError = (await viaSdk.send(new GetCommand({ TableName: 'no-such-table', Key: { pk: 'x', sk: 'y' } })).catch((error: unknown) => error)) as Error;
    assert.equal(leanError.name, sdkError.name);
    assert.match(leanError.message, new RegExp(sdkError.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });
});

describe('the lean DynamoDB client against a stand-in that refuses, throttles and hangs', () => {
  const servers: Server[] = [];
  after(() => {
    for (const server of servers) server.closeAllConnections(), server.close();
  });

  const standIn = async (answers: ((response: ServerResponse) => void)[]) => {
    const server = await scriptedServer(answers);
    servers.push(server.server);
    return server;
  };
  const answer = (status: number, body: object) => (response: ServerResponse) => response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
  const hang = () => undefined;

  it('sends the operation as DynamoDB names it, signed for dynamodb, the input as its body', async () => {
    const { url, seen } = await standIn([answer(200, { Item: { pk: { S: 'a' } } })]);
    const client = documentClient(leanDynamoDb(url));
    const output = await client.send(new GetCommand({ TableName: 'events', Key: { pk: 'a' } }));
    assert.deepEqual(output, { Item: { pk: 'a' } });
    assert.equal(seen[0]!.headers['x-amz-target'], 'DynamoDB_20120810.GetItem');
    assert.equal(seen[0]!.headers['content-type'], 'application/x-amz-json-1.0');
    assert.deepEqual(JSON.parse(seen[0]!.body), { TableName: 'events', Key: { pk: { S: 'a' } } });
    // and the signature is the one the SDK's signer computes for that request
    // applyChecksum off: the SDK's signer would add x-amz-content-sha256, which only S3 requires; AWS checks the headers the request lists.
    const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'dynamodb', sha256: Sha256, applyChecksum: false });
    const date = new Date(`${String(seen[0]!.headers['x-amz-date']).replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/, '$1-$2-$3T$4:$5:$6Z')}`);
    const host = new URL(url);
    const expected = await signer.sign(
      { method: 'POST', protocol: 'http:', hostname: host.hostname, port: Number(host.port), path: '/', query: {}, headers: { host: host.host, 'content-type': 'application/x-amz-json-1.0', 'content-length': String(Buffer.byteLength(seen[0]!.body)), 'x-amz-target': 'DynamoDB_20120810.GetItem' }, body: seen[0]!.body },
      { signingDate: date },
    );
    assert.equal(seen[0]!.headers.authorization, expected.headers.authorization);
  });

  it('tries a throttled request again (ProvisionedThroughputExceededException, as the SDK does) and a 500, then succeeds', async () => {
    const { url, seen } = await standIn([
      answer(400, { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' }),
      answer(500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'oops' }),
      answer(200, {}),
    ]);
    await documentClient(leanDynamoDb(url)).send(new PutCommand({ TableName: 'events', Item: { pk: 'a' } }));
    assert.equal(seen.length, 3);
  });

  it('gives up after 3 attempts with the last answer as a named error carrying its fields', async () => {
    const reasons = [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }];
    const { url, seen } = await standIn([answer(400, { __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException', message: 'cancelled', CancellationReasons: reasons })]);
    const error = (await documentClient(leanDynamoDb(url)).send(new PutCommand({ TableName: 'events', Item: { pk: 'a' } })).catch((e: unknown) => e)) as AwsRequestError & { CancellationReasons?: unknown };
    assert.ok(error instanceof AwsRequestError);
    assert.equal(error.name, 'TransactionCanceledException');
    assert.deepEqual(error.CancellationReasons, reasons);
    assert.equal(error.status, 400);
    assert.equal(seen.length, 1, 'not retryable: one attempt');
  });

  it('abandons a request that gets no answer within the request timeout and tries again', async () => {
    const { url, seen } = await standIn([hang, answer(200, { Attributes: { n: { N: '7' } } })]);
    const client = documentClient(leanDynamoDb(url, { requestTimeoutMs: 200 }));
    const started = Date.now();
    const output = await client.send(new UpdateCommand({ TableName: 'events', Key: { pk: 'a' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'ALL_NEW' }));
    assert.deepEqual(output, { Attributes: { n: 7 } });
    assert.equal(seen.length, 2);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });
});

function setsAsLists(_key: string, value: unknown): unknown {
  return value instanceof Set ? [...value].sort() : value;
}

describe('the regional endpoint the lean clients call on AWS', () => {
  it('is <service>.<region>.amazonaws.com, and .com.cn in the China regions', () => {
    assert.equal(regionalEndpoint('dynamodb', 'eu-west-1'), 'https://dynamodb.eu-west-1.amazonaws.com');
    assert.equal(regionalEndpoint('dynamodb', 'us-gov-west-1'), 'https://dynamodb.us-gov-west-1.amazonaws.com');
    assert.equal(regionalEndpoint('dynamodb', 'cn-north-1'), 'https://dynamodb.cn-north-1.amazonaws.com.cn');
  });
});
