import { createServer, request, Agent } from 'node:http';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { fork } from 'node:child_process';
// server in a child so its CPU is not ours
if (process.argv[2] === 'server') {
  const s = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }); res.end(req.headers['x-amz-target']?.includes('SQS') ? '{"MessageId":"a","MD5OfMessageBody":"x"}' : '{}'); }); });
  s.listen(0, '127.0.0.1', () => process.send!((s.address() as any).port));
} else {
  const child = fork(process.argv[1]!, ['server'], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((r) => child.once('message', (m) => r(m as number)));
  const endpoint = `http://127.0.0.1:${port}`;
  const creds = { accessKeyId: 'a', secretAccessKey: 'b' };
  const sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: creds, md5: false });
  const sqsC = new SQSClient({ endpoint, region: 'us-east-1', credentials: creds, md5: false, cacheMiddleware: true });
  const ddbC = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: creds, cacheMiddleware: true });
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: creds }));
  const body = JSON.stringify({ v: 1, event_id: 'x'.repeat(36), raw: 'y'.repeat(400), payload: { a: 1, b: 'z'.repeat(200) } });
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const raw = () => new Promise<void>((resolve) => { const r = request(`${endpoint}/`, { method: 'POST', agent, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' } }, (res) => { res.resume(); res.on('end', resolve); }); r.end(JSON.stringify({ QueueUrl: endpoint + '/q', MessageBody: body })); });
  const cases: [string, () => Promise<unknown>][] = [
    ['raw http', raw],
    ['sdk SendMessage', () => sqs.send(new SendMessageCommand({ QueueUrl: endpoint + '/000/q', MessageBody: body }))],
    ['sdk doc UpdateItem', () => ddb.send(new UpdateCommand({ TableName: 't', Key: { pk: 'CALL#1', sk: 'CALL' }, UpdateExpression: 'SET #s = :s ADD #seen :k', ConditionExpression: 'NOT contains(#seen, :kk)', ExpressionAttributeNames: { '#s': 'state', '#seen': 'seen' }, ExpressionAttributeValues: { ':s': 'answered', ':k': new Set(['a']), ':kk': 'a' } }))],
    ['sdk SendMessage cached', () => sqsC.send(new SendMessageCommand({ QueueUrl: endpoint + '/000/q', MessageBody: body }))],
    ['sdk UpdateItem cached+marshall', async () => { const r = await ddbC.send(new UpdateItemCommand({ TableName: 't', Key: marshall({ pk: 'CALL#1', sk: 'CALL' }), UpdateExpression: 'SET #s = :s ADD #seen :k', ConditionExpression: 'NOT contains(#seen, :kk)', ExpressionAttributeNames: { '#s': 'state', '#seen': 'seen' }, ExpressionAttributeValues: marshall({ ':s': 'answered', ':k': new Set(['a']), ':kk': 'a' }) })); return r.Attributes && unmarshall(r.Attributes); }],
  ];
  for (let round = 0; round < 3; round++) for (const [name, fn] of cases) {
    const N = 2000; const c0 = process.cpuUsage();
    for (let i = 0; i < N; i += 8) await Promise.all(Array.from({ length: 8 }, fn));
    const c = process.cpuUsage(c0);
    console.log(name.padEnd(20), ((c.user + c.system) / N).toFixed(0), 'µs CPU/call (client side)');
  }
  child.kill();
  process.exit(0);
}
