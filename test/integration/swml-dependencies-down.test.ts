import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { startDynamoDb, type Emulator } from '../../local/emulators';
import { createSwmlRulesStore } from '../../lib/store/swml-rules-store';
import { createDocumentClient } from '../../lib/store/table';
import { sdkDynamoDb } from '../../lib/aws/dynamodb-sdk-sender';
import { SAFE_DEFAULT_SWML } from '../../lib/swml/swml-document';
import { apiGatewayEvent } from '../helpers/aws-events';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
const TABLE = 'swml-dependencies-down';
const VIP = '+15559876543';

/** A GET /swml as API Gateway hands it to the function. */
function swmlGet(from: string): APIGatewayProxyEventV2 {
  const rawQueryString = new URLSearchParams({
    From: from,
    To: '+15551234567',
    CallSid: 'c-down-1',
    Direction: 'inbound',
  }).toString();
  return apiGatewayEvent({ routeKey: 'GET /swml', rawQueryString });
}

/** Calls the handler; returns the document and how long the caller waited. */
async function answer(
  handler: Handler,
  from = VIP,
): Promise<{ status: number | undefined; document: any; ms: number }> {
  const started = performance.now();
  const result = await handler(swmlGet(from));
  return { status: result.statusCode, document: JSON.parse(result.body!), ms: performance.now() - started };
}

const connectsTo = (document: any) => document.sections.main.find((step: any) => step.connect)?.connect.to;

describe('SWML fetch when its dependencies fail (the real handler, real DynamoDB behind a proxy that can hang)', () => {
  let dynamo: Emulator;
  let dynamoProxy: TcpProxy;
  let sqsProxy: TcpProxy;
  let admin: DynamoDBClient;
  let handler: Handler;

  before(async () => {
    // given VIP rules in a real table, and an SQS endpoint that accepts connections and never answers
    dynamo = await startDynamoDb();
    dynamoProxy = await startTcpProxy({ port: Number(new URL(dynamo.endpoint).port) });
    sqsProxy = await startTcpProxy();
    admin = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await admin.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    await createSwmlRulesStore({
      client: createDocumentClient(sdkDynamoDb(admin)),
      tableName: TABLE,
      retentionDays: 1,
    }).put(JSON.stringify({ vipNumbers: [VIP], vipConnectTo: '+15550001111' }));
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoProxy.endpoint,
      AWS_ENDPOINT_URL_SQS: sqsProxy.endpoint,
      QUEUE_URL: `${sqsProxy.endpoint}/000000000000/webhooks`,
      TABLE_NAME: TABLE,
      SWML_RULES_CACHE_SECONDS: '0',
      LOG_LEVEL: 'silent',
    });
    ({ handler } = (await import('../../functions/swml')) as { handler: Handler });
  });
  after(async () => {
    admin?.destroy();
    await Promise.all([dynamoProxy?.close(), sqsProxy?.close()]);
    await dynamo?.stop();
  });

  it('answers from the rules within the journal bound while SQS hangs', async () => {
    const { status, document, ms } = await answer(handler);
    assert.equal(status, 200);
    assert.equal(connectsTo(document), '+15550001111');
    assert.ok(ms < 1_000, `answered in ${Math.round(ms)} ms`);
  });

  it('answers from the rules when SQS drops the connection', async () => {
    sqsProxy.setMode('reset');
    const { status, document } = await answer(handler);
    assert.equal(status, 200);
    assert.equal(connectsTo(document), '+15550001111');
  });

  it('answers the safe default, in bounded time, while DynamoDB hangs', async () => {
    dynamoProxy.setMode('hang');
    const { status, document, ms } = await answer(handler);
    assert.equal(status, 200);
    assert.deepEqual(document, SAFE_DEFAULT_SWML);
    assert.ok(ms < 3_000, `answered in ${Math.round(ms)} ms`);
  });

  it('answers the safe default when DynamoDB refuses, and when the table is missing', async () => {
    dynamoProxy.setMode('reset');
    assert.deepEqual((await answer(handler)).document, SAFE_DEFAULT_SWML);
    dynamoProxy.setMode('forward');
    assert.equal(connectsTo((await answer(handler)).document), '+15550001111'); // recovered: no cache of the failure
    await admin.send(new DeleteTableCommand({ TableName: TABLE }));
    const { status, document } = await answer(handler);
    assert.equal(status, 200);
    assert.deepEqual(document, SAFE_DEFAULT_SWML);
  });
});
