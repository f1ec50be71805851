import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { PROJECT_ROOT } from '../../local/stack';
import { incomingSms, incomingSmsRecord } from '../helpers/message-events';
import { startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * A DynamoDB request that never gets an answer (a hung connection: the chaos run's latency fault, held forever here)
 * must not hold the worker's batch until the function times out: the worker's client gives up on it and tries again.
 * The real handler runs in a process of its own against the local stack, its DynamoDB calls through a proxy that
 * never answers the first one.
 */
describe('worker: a hung DynamoDB request is abandoned and tried again (local stack)', { timeout: 60_000 }, () => {
  let stack: TestStack;
  let hang: { url: string; held: ServerResponse[]; forwarded: number; close(): Promise<void> };
  before(async () => {
    stack = await startTestStack();
    hang = await startHangFirstProxy(stack.dynamodbEndpoint);
  });
  after(async () => {
    await hang?.close();
    await stack?.stop();
  });

  it('applies the event although its first DynamoDB request never comes back', async (t) => {
    // given an inbound SMS, handed to the real worker handler whose first DynamoDB request hangs forever
    const record = incomingSmsRecord(incomingSms('m-hung-dynamodb', '+15550001234', 'hello'), 'hung-dynamodb-record');
    const worker = spawn(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'test/helpers/worker-process.ts'), JSON.stringify(record)],
      {
        env: { ...process.env, ...stack.environments.worker, AWS_ENDPOINT_URL_DYNAMODB: hang.url },
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    t.after(() => worker.exitCode === null && worker.signalCode === null && worker.kill('SIGKILL'));
    let output = '';
    worker.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // when it runs; without a request timeout it waits on the hung request until it is killed
    let timer: NodeJS.Timeout | undefined;
    const [code] = (await Promise.race([
      once(worker, 'exit'),
      new Promise((resolve) => (timer = setTimeout(resolve, 30_000, ['still waiting after 30 s']))),
    ])) as [unknown];
    clearTimeout(timer);
    // then it finished on its own, the hung request still unanswered, and reported nothing to retry
    assert.equal(code, 0, `worker exit: ${String(code)}`);
    assert.equal(hang.held.length, 1, 'the first DynamoDB request was held');
    assert.equal(hang.held[0]!.writableEnded, false, 'and never answered');
    assert.ok(hang.forwarded > 0);
    assert.deepEqual(JSON.parse(output), { batchItemFailures: [] });
    // and the message is recorded
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: stack.dynamodbEndpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    t.after(() => client.destroy());
    const { Items = [] } = await client.send(
      new ScanCommand({
        TableName: stack.tableName,
        FilterExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'MESSAGE#m-hung-dynamodb' },
      }),
    );
    assert.equal(Items.length, 1);
    assert.equal(Items[0]!.direction, 'inbound');
  });
});

/** A proxy that holds the first request it gets (no answer, ever) and forwards every later one to `target` as it came (its signature covers the Host). */
async function startHangFirstProxy(target: string) {
  const held: ServerResponse[] = [];
  let forwarded = 0;
  const to = new URL(target);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (held.length === 0) return void held.push(res);
      forwarded++;
      const upstream = request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    get forwarded() {
      return forwarded;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
