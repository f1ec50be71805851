import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { checkSignature, signatureRefusal, type ReceivedRequest } from '../../local/signature-check.mjs';

const KEY = { accessKeyId: 'ASIATESTKEY', secretAccessKey: 'test-secret', sessionToken: 'session-token' };
/** The SDK's own node:crypto SHA-256, for signing test requests directly. */
const SHA256 = Hash.bind(null, 'sha256');
const secretFor = (id: string) => (id === KEY.accessKeyId ? KEY.secretAccessKey : undefined);

/**
 * A stand-in for the four AWS services on 127.0.0.1: keeps each request as received and answers what the service
 * would (a plausible 200), or, once `refuseWith` is set, the refusal of a check against that secret.
 */
function startCapturingServer() {
  const received: ReceivedRequest[] = [];
  const state: { refuseWith?: string } = {};
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      received.push(request);
      if (state.refuseWith !== undefined) {
        const check = await checkSignature(request, () => state.refuseWith);
        const refusal = signatureRefusal(
          req.headers,
          check.ok ? 'SignatureDoesNotMatch: expected a refusal' : check.reason,
        );
        res.writeHead(refusal.status, refusal.headers).end(refusal.body);
        return;
      }
      const [status, type, body] = plausibleAnswer(req.headers, request.body);
      res.writeHead(status, { 'content-type': type, 'x-amzn-requestid': randomUUID() }).end(body);
    });
  });
  return { server, received, state };
}

function plausibleAnswer(headers: IncomingHttpHeaders, body: Buffer): [number, string, string] {
  const target = String(headers['x-amz-target'] ?? '');
  if (target === 'AmazonSQS.SendMessage') {
    const md5 = createHash('md5').update(JSON.parse(body.toString()).MessageBody).digest('hex');
    return [200, 'application/x-amz-json-1.0', JSON.stringify({ MessageId: randomUUID(), MD5OfMessageBody: md5 })];
  }
  if (target.startsWith('DynamoDB_20120810.')) return [200, 'application/x-amz-json-1.0', '{}'];
  if (target === 'AmazonSSM.GetParameters')
    return [
      200,
      'application/x-amz-json-1.1',
      JSON.stringify({
        Parameters: [{ Name: '/p', Type: 'SecureString', Value: 'v', Version: 1 }],
        InvalidParameters: [],
      }),
    ];
  return [
    200,
    'text/xml',
    `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
  ];
}

describe('local/signature-check.mjs: a SigV4 request checked as received, as AWS checks it', () => {
  const { server, received, state } = startCapturingServer();
  let endpoint: string;
  let clients: { sqs: SQSClient; dynamodb: DynamoDBClient; sns: SNSClient; ssm: SSMClient };
  const calls = {
    sqs: () =>
      clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/queue',
          MessageBody: '{"event_id":"e-1"}',
        }),
      ),
    dynamodb: () =>
      clients.dynamodb.send(
        new PutItemCommand({ TableName: 'events', Item: { pk: { S: 'CALL#c 1' }, sk: { S: 'STATE' } } }),
      ),
    sns: () =>
      clients.sns.send(
        new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:topic', Message: 'a call failed: ü & <x>' }),
      ),
    ssm: () =>
      clients.ssm.send(
        new GetParametersCommand({ Names: ['/signalwire-webhooks/ci/signing-key'], WithDecryption: true }),
      ),
  };
  /** The request the real SDK client sent for `service`. */
  const sent = async (service: keyof typeof calls): Promise<ReceivedRequest> => {
    const before = received.length;
    await calls[service]();
    assert.equal(received.length, before + 1);
    return received.at(-1)!;
  };

  before(async () => {
    await new Promise<void>((resolve) => (server as Server).listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = { endpoint, region: 'us-east-1', credentials: KEY, maxAttempts: 1 };
    clients = {
      sqs: new SQSClient(config),
      dynamodb: new DynamoDBClient(config),
      sns: new SNSClient(config),
      ssm: new SSMClient(config),
    };
  });
  after(async () => {
    for (const client of Object.values(clients)) client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('verifies what the SDK clients send: SQS SendMessage, DynamoDB PutItem, SNS Publish, SSM GetParameters', async () => {
    for (const service of ['sqs', 'dynamodb', 'sns', 'ssm'] as const) {
      const check = await checkSignature(await sent(service), secretFor);
      assert.deepEqual(check, { ok: true, accessKeyId: KEY.accessKeyId, region: 'us-east-1', service }, service);
    }
  });

  it('verifies a path and a query as the SDK transport encodes them (the signer URI-encodes the path once more)', async () => {
    // given a request signed by the SDK's signer and sent by its HTTP handler: an encoded path, a repeated and a bare query name
    const signer = new SignatureV4({ service: 'lambda', region: 'eu-west-1', credentials: KEY, sha256: SHA256 });
    const request = new HttpRequest({
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: Number(new URL(endpoint).port),
      method: 'GET',
      path: "/2015-03-31/functions/my%20fn%2B1/it's",
      query: { Qualifier: 'v 1/ü', list: ['b', 'a'], bare: '' },
      headers: { host: new URL(endpoint).host },
    });
    const handler = new NodeHttpHandler();
    await handler.handle((await signer.sign(request)) as HttpRequest);
    handler.destroy();
    const got = received.at(-1)!;
    assert.match(got.url, /^\/2015-03-31\/functions\/my%20fn%2B1\/it's\?/);
    // then it verifies; the same request with the path decoded, or a query value changed, does not
    assert.equal((await checkSignature(got, secretFor)).ok, true);
    assert.equal((await checkSignature({ ...got, url: got.url.replace('my%20fn', 'my fn') }, secretFor)).ok, false);
    assert.equal((await checkSignature({ ...got, url: got.url.replace('list=a', 'list=c') }, secretFor)).ok, false);
  });

  it('refuses the same requests altered: the path, the body, a signed header, the secret, the key, the Authorization', async () => {
    const sqs = await sent('sqs');
    const dynamodb = await sent('dynamodb');
    const ssm = await sent('ssm');
    const refusals: [string, ReceivedRequest, RegExp, ((id: string) => string | undefined)?][] = [
      // `/` signed, the queue's path sent: the bug that once made a deployed ingest answer 503 to everything
      ['path', { ...sqs, url: '/123456789012/queue' }, /^SignatureDoesNotMatch: .*POST \/123456789012\/queue/],
      [
        'body',
        { ...dynamodb, body: Buffer.from(dynamodb.body.toString().replace('CALL#c 1', 'CALL#c 2')) },
        /^SignatureDoesNotMatch:/,
      ],
      [
        'signed header',
        { ...ssm, headers: { ...ssm.headers, 'x-amz-target': 'AmazonSSM.GetParameter' } },
        /^SignatureDoesNotMatch:/,
      ],
      ['host', { ...ssm, headers: { ...ssm.headers, host: 'ssm.us-east-1.amazonaws.com' } }, /^SignatureDoesNotMatch:/],
      [
        'session token',
        { ...ssm, headers: { ...ssm.headers, 'x-amz-security-token': 'another' } },
        /^SignatureDoesNotMatch:/,
      ],
      ['secret', sqs, /^SignatureDoesNotMatch:/, () => 'not-the-secret'],
      ['unknown key', sqs, /^InvalidClientTokenId:/, () => undefined],
      [
        'no Authorization',
        { ...sqs, headers: { ...sqs.headers, authorization: undefined } },
        /^MissingAuthenticationToken:/,
      ],
      [
        'malformed Authorization',
        { ...sqs, headers: { ...sqs.headers, authorization: 'AWS4-HMAC-SHA256 Credential=x' } },
        /^IncompleteSignature:/,
      ],
      [
        'host not signed',
        {
          ...sqs,
          headers: { ...sqs.headers, authorization: String(sqs.headers.authorization).replace(';host;', ';') },
        },
        /^IncompleteSignature: SignedHeaders must include host/,
      ],
      [
        'signed header missing',
        { ...sqs, headers: { ...sqs.headers, 'x-amz-target': undefined } },
        /^SignatureDoesNotMatch: signed header x-amz-target is not in the request/,
      ],
      ['an old signature', sqs, /^SignatureDoesNotMatch: Signature expired/],
    ];
    for (const [what, request, reason, secrets] of refusals) {
      const check = await checkSignature(
        request,
        secrets ?? secretFor,
        what === 'an old signature' ? { now: Date.now() + 16 * 60_000 } : {},
      );
      assert.equal(check.ok, false, what);
      if (!check.ok) assert.match(check.reason, reason, what);
    }
  });

  it('refuses a body that does not match a signed x-amz-content-sha256', async () => {
    const signer = new SignatureV4({ service: 'sqs', region: 'us-east-1', credentials: KEY, sha256: SHA256 });
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        hostname: 'sqs.us-east-1.amazonaws.com',
        path: '/',
        headers: { host: 'sqs.us-east-1.amazonaws.com' },
        body: '{"a":1}',
      }),
    );
    const request = {
      method: 'POST',
      url: '/',
      headers: Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value])),
      body: Buffer.from('{"a":1}'),
    };
    assert.equal((await checkSignature(request, secretFor)).ok, true);
    const changed = await checkSignature({ ...request, body: Buffer.from('{"a":2}') }, secretFor);
    assert.ok(!changed.ok && /x-amz-content-sha256 does not match the body/.test(changed.reason));
  });

  it("answers refusals the SDK reads as the service's own errors (JSON for SQS, DynamoDB and SSM, XML for SNS)", async () => {
    state.refuseWith = 'not-the-secret';
    try {
      const expected = {
        sqs: ['SignatureDoesNotMatch', 403],
        dynamodb: ['InvalidSignatureException', 400],
        ssm: ['InvalidSignatureException', 400],
        sns: ['SignatureDoesNotMatch', 403],
      } as const;
      for (const [service, [name, status]] of Object.entries(expected)) {
        await assert.rejects(
          calls[service as keyof typeof calls](),
          (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
            assert.equal(error.name, name, service);
            assert.equal(error.$metadata?.httpStatusCode, status, service);
            assert.match(error.message, /signature we calculated does not match/, service);
            return true;
          },
        );
      }
    } finally {
      delete state.refuseWith;
    }
    const missing = signatureRefusal(
      { 'x-amz-target': 'AmazonSQS.SendMessage' },
      'MissingAuthenticationToken: Request is missing Authentication Token',
    );
    assert.equal(missing.headers['x-amzn-query-error'], 'MissingAuthenticationToken;Sender');
    assert.equal(signatureRefusal({}, 'IncompleteSignature: no host').status, 400);
    assert.match(
      signatureRefusal({}, 'InvalidClientTokenId: unknown key').body,
      /<Type>Sender<\/Type><Code>InvalidClientTokenId<\/Code>/,
    );
  });
});
