import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  ListQueuesCommand,
  SendMessageCommand,
  SQSClient,
  type SQSClientConfig,
} from '@aws-sdk/client-sqs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { AwsCredentialIdentity, FinalizeRequestMiddleware, MetadataBearer, Pluggable } from '@smithy/types';
import { FAULT_KINDS, startFaultProxy, type FaultProxy } from '../../chaos/fault-proxy';
import { startDynamoDb, startSnsStandIn, startSqs, startSsmStandIn, type Emulator } from '../../local/emulators';
import { functionAccessKeyId, LOCAL_SECRET, STACK_CREDENTIALS } from '../../local/local-credentials';
import { refusal } from '../helpers/assertions';

/**
 * Every local emulator and stand-in sits behind the AWS front (local/aws-front.mjs), which checks each request's
 * SigV4 signature over the request as it arrived and refuses it as the service itself would. Each service is called
 * through the SDK: signed right it passes; signed with a wrong secret, or sent to another path than the one signed
 * (the request line changed after signing), it is refused in the service's own error shape; an access key the local
 * stack never issued is refused as unknown.
 */

/** Rewrites the request line's path after the SDK has signed it: what a transport that sends elsewhere than it signed does. */
const sendToOtherPath = (path: string): Pluggable<any, any> => ({
  applyToStack(stack) {
    const rewrite: FinalizeRequestMiddleware<any, any> = (next) => async (args) => {
      (args.request as { path: string }).path = path;
      return next(args);
    };
    stack.addRelativeTo(rewrite, { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'sendToOtherPath' });
  },
});

type Client = {
  send(command: any): Promise<MetadataBearer>;
  middlewareStack: { use(plugin: Pluggable<any, any>): void };
  destroy(): void;
};

interface Service {
  name: string;
  start(): Promise<Emulator>;
  client(endpoint: string, credentials: AwsCredentialIdentity): Client;
  /** One ordinary call of the service. */
  call(client: Client): Promise<MetadataBearer>;
  /** What the SDK names the refusal of a bad signature and of an unknown key, and its HTTP status. */
  mismatch: { name: string; status: number };
  unknownKey: { name: string; status: number };
}

const settings = (endpoint: string, credentials: AwsCredentialIdentity) => ({
  endpoint,
  region: 'us-east-1',
  credentials,
  maxAttempts: 1,
});

const SERVICES: Service[] = [
  {
    name: 'SQS',
    start: () => startSqs(),
    client: (endpoint, credentials) => new SQSClient(settings(endpoint, credentials)),
    call: (client) => client.send(new ListQueuesCommand({})),
    mismatch: { name: 'SignatureDoesNotMatch', status: 403 },
    unknownKey: { name: 'InvalidClientTokenId', status: 403 },
  },
  {
    name: 'DynamoDB',
    start: () => startDynamoDb(),
    client: (endpoint, credentials) => new DynamoDBClient(settings(endpoint, credentials)),
    call: (client) => client.send(new ListTablesCommand({})),
    mismatch: { name: 'InvalidSignatureException', status: 400 },
    unknownKey: { name: 'UnrecognizedClientException', status: 400 },
  },
  {
    name: 'SNS',
    start: () => startSnsStandIn(false),
    client: (endpoint, credentials) => new SNSClient(settings(endpoint, credentials)),
    call: (client) =>
      client.send(
        new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:notifications', Message: 'hello' }),
      ),
    mismatch: { name: 'SignatureDoesNotMatch', status: 403 },
    unknownKey: { name: 'InvalidClientTokenId', status: 403 },
  },
  {
    name: 'SSM',
    start: () => startSsmStandIn({ '/webhooks/secret': 's3cret' }),
    client: (endpoint, credentials) => new SSMClient(settings(endpoint, credentials)),
    call: (client) => client.send(new GetParametersCommand({ Names: ['/webhooks/secret'], WithDecryption: true })),
    mismatch: { name: 'InvalidSignatureException', status: 400 },
    unknownKey: { name: 'UnrecognizedClientException', status: 400 },
  },
];

for (const service of SERVICES) {
  describe(`${service.name} behind the AWS front (local/aws-front.mjs)`, () => {
    let emulator: Emulator;
    const clients: Client[] = [];
    const clientWith = (credentials: AwsCredentialIdentity) => {
      const client = service.client(emulator.endpoint, credentials);
      clients.push(client);
      return client;
    };
    before(async () => {
      emulator = await service.start();
    });
    after(async () => {
      for (const client of clients) client.destroy();
      await emulator?.stop();
    });

    it("accepts a call signed with the stack's own key or a function's", async () => {
      // given clients signing with the stack's key and with the worker's
      for (const credentials of [
        STACK_CREDENTIALS,
        { accessKeyId: functionAccessKeyId('worker'), secretAccessKey: LOCAL_SECRET },
      ]) {
        // when each calls the service, then the call is answered
        assert.equal((await service.call(clientWith(credentials))).$metadata.httpStatusCode, 200);
      }
    });

    it('refuses a call signed with a wrong secret, as the service does', async () => {
      // given a client with the stack's key id and a wrong secret
      const client = clientWith({ accessKeyId: STACK_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' });
      // when it calls, then it is refused with the service's own signature error
      const refused = await refusal(service.call(client));
      assert.deepEqual({ name: refused.name, status: refused.status }, service.mismatch);
      assert.match(refused.message, /signature we calculated does not match/);
    });

    it('refuses a call whose request line names another path than the one signed', async () => {
      // given a client that signs right, then sends to another path
      const client = clientWith(STACK_CREDENTIALS);
      client.middlewareStack.use(sendToOtherPath('/000000000000/webhooks'));
      // when it calls, then the signature does not match what arrived
      const refused = await refusal(service.call(client));
      assert.deepEqual({ name: refused.name, status: refused.status }, service.mismatch);
    });

    it('refuses an access key the local stack never issued', async () => {
      // given a client with a key no local function or tool uses
      const client = clientWith({ accessKeyId: 'AKIDSOMEONEELSE', secretAccessKey: LOCAL_SECRET });
      // when it calls, then the key itself is refused
      const refused = await refusal(service.call(client));
      assert.deepEqual({ name: refused.name, status: refused.status }, service.unknownKey);
    });
  });
}

describe('the AWS front: a signature scoped to another service or region is refused', () => {
  let sqs: Emulator;
  before(async () => {
    sqs = await startSqs();
  });
  after(async () => sqs?.stop());

  it('refuses an SQS call signed for eu-west-1 and one signed for another service', async () => {
    // given a client signing for another region, and one signing with DynamoDB's service name
    const otherRegion = new SQSClient({ ...settings(sqs.endpoint, STACK_CREDENTIALS), region: 'eu-west-1' });
    const otherService = new SQSClient({
      ...settings(sqs.endpoint, STACK_CREDENTIALS),
      signingName: 'dynamodb',
    } as SQSClientConfig);
    try {
      // when each calls SQS, then both are refused as SQS refuses a credential scoped elsewhere
      const region = await refusal(otherRegion.send(new ListQueuesCommand({})));
      assert.equal(region.name, 'SignatureDoesNotMatch');
      assert.match(region.message, /scoped to a valid region/);
      const scoped = await refusal(otherService.send(new ListQueuesCommand({})));
      assert.equal(scoped.name, 'SignatureDoesNotMatch');
      assert.match(scoped.message, /scoped to correct service: 'sqs'/);
    } finally {
      otherRegion.destroy();
      otherService.destroy();
    }
  });
});

describe("the chaos run's fault proxy (chaos/fault-proxy.ts) passes requests through as they arrived", () => {
  let sqs: Emulator;
  let proxy: FaultProxy;
  before(async () => {
    sqs = await startSqs();
    const noFaults = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<
      (typeof FAULT_KINDS)[number],
      number
    >;
    proxy = await startFaultProxy({ name: 'sqs', rates: noFaults, latencyMs: 0, random: Math.random, counts: {} });
    proxy.setTarget(sqs.endpoint);
  });
  after(async () => {
    await proxy?.close();
    await sqs?.stop();
  });

  it("keeps the Host the caller signed and every signed byte, so the front behind it accepts the caller's signature", async () => {
    // given a function's client that sends to SQS through the fault proxy (its endpoint is the proxy's, as in a chaos run)
    const client = new SQSClient(
      settings(proxy.endpoint, { accessKeyId: functionAccessKeyId('ingest'), secretAccessKey: LOCAL_SECRET }),
    );
    try {
      // when it creates a queue and sends a message with attributes through the proxy
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: `through-proxy-${Date.now()}` }));
      const sent = await client.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: 'ü ✓ {"a":1}',
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'call.status' } },
        }),
      );
      // then the front behind the proxy verified both signatures and the emulator answered
      assert.equal(sent.$metadata.httpStatusCode, 200);
      assert.ok(sent.MessageId);
    } finally {
      client.destroy();
    }
  });
});
