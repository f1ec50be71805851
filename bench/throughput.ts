/**
 * End-to-end throughput of the local stack: `npm start` in a child process (in-memory data), N signed-shape call
 * status webhooks posted at a fixed concurrency, then the time until the worker has applied all of them.
 * `npm run bench:e2e` (N=10000 CONCURRENCY=32 by default)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PROJECT_ROOT, type StackInfo } from '../local/stack';

const N = Number(process.env.N ?? 10_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const dir = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
const stackFile = join(dir, 'stack.json');
const child = spawn(process.execPath, [...(process.env.CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', join(PROJECT_ROOT, 'local/start.ts')], {
  env: { ...process.env, PORT: '0', LOCAL_DATA_DIR: ':memory:', WEBHOOKS_STACK_FILE: stackFile, LOG_LEVEL: 'warn', NODE_NO_WARNINGS: '1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve()));
const stack = JSON.parse(readFileSync(stackFile, 'utf8')) as StackInfo;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: 'us-east-1', credentials });
const dynamodb = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1', credentials });

// node:http with a keep-alive pool: a lighter client than fetch, so the load generator leaves the cores to the stack.
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const start = Date.now();
let next = 0;
let failed = 0;
async function sender(): Promise<void> {
  while (next < N) {
    const i = next++;
    const body = JSON.stringify({ call_id: `bench-${i}`, call_state: 'answered', from: '+15551230000', to: '+15559870000', direction: 'inbound', timestamp: new Date().toISOString() });
    if ((await post(`${stack.url}/call-status`, body)) !== 200) failed++;
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, sender));
const acked = Date.now();
for (;;) {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: stack.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  if (Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible) === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const done = Date.now();
let applied = 0;
let startKey: Record<string, any> | undefined;
do {
  const page = await dynamodb.send(new ScanCommand({ TableName: stack.tableName, Select: 'COUNT', ExclusiveStartKey: startKey }));
  applied += page.Count ?? 0;
  startKey = page.LastEvaluatedKey;
} while (startKey);

console.log(`${N} webhooks, concurrency ${CONCURRENCY}: ${failed} not acknowledged`);
console.log(`ingest: ${(N / ((acked - start) / 1000)).toFixed(0)} webhooks/s acknowledged (${acked - start} ms)`);
console.log(`end to end: ${(N / ((done - start) / 1000)).toFixed(0)} webhooks/s applied (${done - start} ms); ${applied} records in the table`);
child.kill('SIGINT');
agent.destroy();
sqs.destroy();
dynamodb.destroy();
rmSync(dir, { recursive: true, force: true });
