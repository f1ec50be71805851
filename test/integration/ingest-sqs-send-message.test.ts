import assert from 'node:assert/strict';
import type { Server, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@smithy/core/checksum';
import { startSqs, type Emulator } from '../../local/emulators';
import { createSqsSendMessage, SqsSendError } from '../../lib/aws/sqs-send-message';
import { scriptedServer } from '../helpers/scripted-server';

const credentials = { accessKeyId: 'AKIDINGEST', secretAccessKey: 'ingest-secret' };
const staticCredentials = async () => credentials;

/** A real loopback HTTP server standing in for SQS: each request answered by the next of `answers` (the last repeats). */
const sqsStandIn = scriptedServer;

const ok = (response: ServerResponse) => response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"MessageId":"m-1","MD5OfMessageBody":"x"}');
const refuse = (status: number, type: string) => (response: ServerResponse) =>
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: `com.amazonaws.sqs#${type}`, message: 'no' }));

describe("the ingest's SendMessage (lib/aws/sqs-send-message.ts)", () => {
  let sqsEmulator: Emulator;
  const servers: Server[] = [];
  before(async () => {
    sqsEmulator = await startSqs();
  });
  after(async () => {
    for (const server of servers) server.closeAllConnections(), server.close();
    await sqsEmulator?.stop();
  });

  it('puts the exact body on a real queue (the local SQS emulator), unicode included', async () => {
    const sdk = new SQSClient({ endpoint: sqsEmulator.endpoint, region: 'us-east-1', credentials, md5: false });
    try {
      const { QueueUrl } = await sdk.send(new CreateQueueCommand({ QueueName: 'lean-send' }));
      const send = createSqsSendMessage({ credentials: staticCredentials, region: 'us-east-1', endpoint: sqsEmulator.endpoint });
      const body = JSON.stringify({ text: 'héllo "quoted" \\ 😀 \u2028', n: 1 });
      await send(QueueUrl!, body);
      const { Messages = [] } = await sdk.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      assert.deepEqual(Messages.map((m) => m.Body), [body]);
    } finally {
      sdk.destroy();
    }
  });

  it('signs SendMessage with SigV4 for sqs in the region, over the queue URL when no endpoint is set', async () => {
    const standIn = await sqsStandIn([ok]);
    servers.push(standIn.server);
    const queueUrl = `${standIn.url}/000000000000/webhooks`;
    await createSqsSendMessage({ credentials: staticCredentials, region: 'eu-west-1' })(queueUrl, '{"a":1}');
    const [request] = standIn.seen;
    assert.equal(request!.headers['x-amz-target'], 'AmazonSQS.SendMessage');
    assert.equal(request!.headers['content-type'], 'application/x-amz-json-1.0');
    assert.deepEqual(JSON.parse(request!.body), { QueueUrl: queueUrl, MessageBody: '{"a":1}' });
    assert.match(String(request!.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDINGEST\/\d{8}\/eu-west-1\/sqs\/aws4_request, SignedHeaders=[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}$/);
    // the signature is the one the SDK's signer computes for that request at that time (what SQS checks)
    const url = new URL(standIn.url);
    const date = String(request!.headers['x-amz-date']);
    const when = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
    // applyChecksum off: the SDK's signer would add x-amz-content-sha256, which only S3 requires; AWS checks the headers the request lists.
    const expected = await new SignatureV4({ credentials, region: 'eu-west-1', service: 'sqs', sha256: Sha256, applyChecksum: false }).sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        query: {},
        headers: { host: url.host, 'content-type': 'application/x-amz-json-1.0', 'content-length': String(Buffer.byteLength(request!.body)), 'x-amz-target': 'AmazonSQS.SendMessage' },
        body: request!.body,
      },
      { signingDate: when },
    );
    assert.equal(request!.headers.authorization, expected.headers.authorization);
  });

  it('tries again after a 5xx and after throttling, then succeeds', async () => {
    const standIn = await sqsStandIn([refuse(500, 'InternalError'), refuse(400, 'ThrottlingException'), ok]);
    servers.push(standIn.server);
    await createSqsSendMessage({ credentials: staticCredentials, region: 'us-east-1', endpoint: standIn.url })(`${standIn.url}/0/q`, 'x');
    assert.equal(standIn.seen.length, 3);
  });

  it('gives up at once on a refusal another try cannot change (a queue that does not exist)', async () => {
    const standIn = await sqsStandIn([refuse(400, 'QueueDoesNotExist')]);
    servers.push(standIn.server);
    const send = createSqsSendMessage({ credentials: staticCredentials, region: 'us-east-1', endpoint: standIn.url });
    await assert.rejects(send(`${standIn.url}/0/q`, 'x'), (error: unknown) => error instanceof SqsSendError && !error.retryable && /HTTP 400 \(QueueDoesNotExist\)/.test(error.message));
    assert.equal(standIn.seen.length, 1);
  });

  it('stops after maxAttempts when SQS keeps failing', async () => {
    const standIn = await sqsStandIn([refuse(503, 'ServiceUnavailable')]);
    servers.push(standIn.server);
    const send = createSqsSendMessage({ credentials: staticCredentials, region: 'us-east-1', endpoint: standIn.url, maxAttempts: 3 });
    await assert.rejects(send(`${standIn.url}/0/q`, 'x'), /HTTP 503 \(ServiceUnavailable\)/);
    assert.equal(standIn.seen.length, 3);
  });

  it('gives up on an answer that starts and never ends', async () => {
    const standIn = await sqsStandIn([(response) => response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).write('{"MessageId":')]);
    servers.push(standIn.server);
    const send = createSqsSendMessage({ credentials: staticCredentials, region: 'us-east-1', endpoint: standIn.url, maxAttempts: 1, requestTimeoutMs: 200 });
    await assert.rejects(send(`${standIn.url}/0/q`, 'x'), /no answer within 200 ms/);
  });

  it('gives up on an SQS that never answers after requestTimeoutMs per attempt', async () => {
    const standIn = await sqsStandIn([() => undefined]);
    servers.push(standIn.server);
    const send = createSqsSendMessage({ credentials: staticCredentials, region: 'us-east-1', endpoint: standIn.url, maxAttempts: 2, requestTimeoutMs: 200 });
    const started = Date.now();
    await assert.rejects(send(`${standIn.url}/0/q`, 'x'), /no answer within 200 ms/);
    const elapsed = Date.now() - started;
    assert.equal(standIn.seen.length, 2);
    assert.ok(elapsed >= 400 && elapsed < 3_000, `gave up after ${elapsed} ms`);
  });
});
