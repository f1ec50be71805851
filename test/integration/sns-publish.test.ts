import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { Socket } from 'node:net';
import type { Server, ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { SNSClient } from '@aws-sdk/client-sns';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { publishWith } from '../../lib/aws/sns';
import { DependencyError, PermanentError } from '../../lib/errors';
import { PublishUncertainError, type Notification } from '../../lib/notifications/notifier';
import { createSnsNotifier, type PublishInput } from '../../lib/notifications/sns-notifier';
import { startSnsStandIn } from '../../local/emulators';
import { scriptedServer } from '../helpers/scripted-server';
import { snsClientAt, TEST_CREDENTIALS } from '../helpers/sdk-clients';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:notifications';
const input: PublishInput = {
  TopicArn: TOPIC,
  Subject: "SMS from +15551230000 (it's *here*!)",
  MessageStructure: 'json',
  Message: JSON.stringify({
    default: JSON.stringify({ body: 'caf\u00e9 & \u{1F600} ~ a+b=c' }),
    email: 'line one\nline two',
  }),
  MessageAttributes: { kind: { DataType: 'String', StringValue: 'message.inbound' } },
};
const notification: Notification = {
  eventKey: 'message.inbound:m1',
  kind: 'message.inbound',
  subject: 'SMS from +15551230000',
  text: 'hello',
  details: { message_id: 'm1' },
};
const xml = (status: number, body: string) => (response: ServerResponse) =>
  response.writeHead(status, { 'content-type': 'text/xml' }).end(body);
const refusal = (status: number, code: string) =>
  xml(
    status,
    `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>no</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
  );

/**
 * SNS Publish through the SDK's client, one try (lib/aws/sns.ts), and every way it can fail sorted as the notifier's
 * at-most-once rule needs (lib/notifications/publish-outcome.ts): surely not published (tried again on the next
 * delivery), never publishable (dead-lettered), or maybe published (never published again).
 */
describe('SNS Publish through the SDK, failures sorted for at-most-once', () => {
  const servers: Server[] = [];
  after(() => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
  });
  const standIn = async (answers: ((response: ServerResponse) => void)[]) => {
    const scripted = await scriptedServer(answers);
    servers.push(scripted.server);
    return scripted;
  };
  const notifierAt = (client: SNSClient) => createSnsNotifier(publishWith(client), TOPIC);

  it('publishes to the local stand-in, which keeps what subscribers would get', async () => {
    const sns = await startSnsStandIn(false);
    const client = snsClientAt(sns.endpoint);
    try {
      const { MessageId } = await publishWith(client)(input);
      const kept = (await (await fetch(`${sns.endpoint}/published`)).json()) as {
        messageId: string;
        message: string;
        subject: string;
        attributes: Record<string, string>;
      }[];
      assert.deepEqual(
        kept.map((p) => [p.messageId, p.message, p.subject, p.attributes.kind]),
        [[MessageId, input.Message, input.Subject, 'message.inbound']],
      );
    } finally {
      client.destroy();
      await sns.stop();
    }
  });

  // [what SNS answers, the error the notifier throws]
  const answered: Array<[string, (response: ServerResponse) => void, new (...args: never[]) => Error]> = [
    ['404 NotFound (a deleted topic): never publishable', refusal(404, 'NotFound'), PermanentError],
    ['403 AuthorizationError (no permission): never publishable', refusal(403, 'AuthorizationError'), PermanentError],
    ['400 Throttling: surely not published, tried again later', refusal(400, 'Throttling'), DependencyError],
    ['500 InternalError: it may have been published', refusal(500, 'InternalError'), PublishUncertainError],
    [
      'a reset after the request arrived: it may have been published',
      (response) => response.socket?.destroy(),
      PublishUncertainError,
    ],
    ['no answer within the request timeout: it may have been published', () => undefined, PublishUncertainError],
  ];
  for (const [title, answer, expected] of answered) {
    it(`sorts ${title}`, async () => {
      const { url, seen } = await standIn([answer]);
      const client = snsClientAt(url, { requestTimeoutMs: 300 });
      await assert.rejects(notifierAt(client).publish(notification), (error: Error) => error.constructor === expected);
      assert.equal(seen.length, 1, 'tried once, never again on its own');
      client.destroy();
    });
  }

  it('sorts a refused connection as surely not published', async () => {
    const { url, server } = await standIn([refusal(500, 'InternalError')]);
    await new Promise((resolve) => server.close(resolve));
    const client = snsClientAt(url);
    await assert.rejects(
      notifierAt(client).publish(notification),
      (error: Error) => error.constructor === DependencyError,
    );
    client.destroy();
  });

  it('sorts a DNS failure as surely not published', async () => {
    const client = snsClientAt('http://sns.unresolvable.invalid');
    await assert.rejects(notifierAt(client).publish(notification), (error: Error) => {
      assert.equal(error.constructor, DependencyError);
      assert.match(String((error.cause as { code?: string } | undefined)?.code), /ENOTFOUND|EAI_AGAIN/);
      return true;
    });
    client.destroy();
  });

  it('sorts a TLS handshake failure as surely not published (the request is written only after it)', async () => {
    const { url, seen } = await standIn([refusal(500, 'InternalError')]);
    const client = snsClientAt(url.replace('http:', 'https:'));
    await assert.rejects(
      notifierAt(client).publish(notification),
      (error: Error) => error.constructor === DependencyError,
    );
    assert.equal(seen.length, 0);
    client.destroy();
  });

  it('sorts a connection that never opens (the connect timeout) as surely not published', async () => {
    // A socket that never connects, as when SYNs go unanswered: the SDK's handler gives up on its connection timeout.
    const agent = new Agent();
    agent.createConnection = () => Object.assign(new Socket(), { connecting: true });
    const requestHandler = new NodeHttpHandler({
      connectionTimeout: 100,
      requestTimeout: 5000,
      throwOnRequestTimeout: true,
      httpAgent: agent,
    });
    const client = new SNSClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
      requestHandler,
    });
    await assert.rejects(
      notifierAt(client).publish(notification),
      (error: Error) => error.constructor === DependencyError,
    );
    client.destroy();
  });
});
