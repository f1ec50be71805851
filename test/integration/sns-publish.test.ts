import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { createSnsPublish, publishForm, xmlElement, type PublishInput } from '../../lib/aws/sns-publish';
import { DependencyError, PermanentError } from '../../lib/errors';
import { PublishUncertainError, type Notification } from '../../lib/notifications/notifier';
import { createSnsNotifier } from '../../lib/notifications/sns-notifier';
import { startSnsStandIn } from '../../local/emulators';
import { scriptedServer } from '../helpers/scripted-server';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:notifications';
const input: PublishInput = {
  TopicArn: TOPIC,
  Subject: "SMS from +15551230000 (it's *here*!)",
  MessageStructure: 'json',
  Message: JSON.stringify({ default: JSON.stringify({ body: 'caf\u00e9 & \u{1F600} ~ a+b=c' }), email: 'line one\nline two' }),
  MessageAttributes: { kind: { DataType: 'String', StringValue: 'message.inbound' } },
};
const notification: Notification = { eventKey: 'message.inbound:m1', kind: 'message.inbound', subject: 'SMS from +15551230000', text: 'hello', details: { message_id: 'm1' } };
const xml = (status: number, body: string) => (response: ServerResponse) => {
  response.writeHead(status, { 'content-type': 'text/xml' });
  response.end(body);
};
const published = xml(200, '<PublishResponse><PublishResult><MessageId>mid-1</MessageId></PublishResult></PublishResponse>');
const refusal = (status: number, code: string) => xml(status, `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>no &amp; never</Message></Error></ErrorResponse>`);

/**
 * SNS Publish without the SDK (lib/aws/sns-publish.ts): the request the SDK would send, signed as the SDK signs it,
 * and every way a publish can fail sorted as the notifier's at-most-once rule needs (lib/notifications/sns-notifier.ts).
 */
describe('SNS Publish as a signed query-protocol request', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));
  const standIn = async (answers: ((response: ServerResponse) => void)[]) => {
    const scripted = await scriptedServer(answers);
    servers.push(scripted.server);
    return scripted;
  };

  it('sends the form the SDK sends, with the same content type, signed as the SDK signs it', async () => {
    const ours = await standIn([published]);
    assert.deepEqual(await createSnsPublish({ credentials: async () => credentials, region: 'us-east-1', endpoint: ours.url })(input), { MessageId: 'mid-1' });
    const sdks = await standIn([published]);
    const sdk = new SNSClient({ endpoint: sdks.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    assert.equal((await sdk.send(new PublishCommand(input))).MessageId, 'mid-1');
    sdk.destroy();
    const [mine, theirs] = [ours.seen[0]!, sdks.seen[0]!];
    assert.deepEqual([...new URLSearchParams(mine.body)].sort(), [...new URLSearchParams(theirs.body)].sort());
    assert.equal(mine.body, publishForm(input));
    assert.match(String(mine.headers['content-type']), /^application\/x-www-form-urlencoded/);
    assert.match(String(theirs.headers['content-type']), /^application\/x-www-form-urlencoded/);
    // applyChecksum off: the SDK's signer would add x-amz-content-sha256, which only S3 requires.
    const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'sns', sha256: Sha256, applyChecksum: false });
    const date = new Date(String(mine.headers['x-amz-date']).replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/, '$1-$2-$3T$4:$5:$6Z'));
    const host = new URL(ours.url);
    const expected = await signer.sign(
      { method: 'POST', protocol: 'http:', hostname: host.hostname, port: Number(host.port), path: '/', query: {}, headers: { host: host.host, 'content-type': String(mine.headers['content-type']), 'content-length': String(Buffer.byteLength(mine.body)) }, body: mine.body },
      { signingDate: date },
    );
    assert.equal(mine.headers.authorization, expected.headers.authorization);
  });

  it('publishes to the local stand-in, which keeps what subscribers would get', async () => {
    const sns = await startSnsStandIn(false);
    try {
      const { MessageId } = await createSnsPublish({ credentials: async () => credentials, region: 'us-east-1', endpoint: sns.endpoint })(input);
      const kept = (await (await fetch(`${sns.endpoint}/published`)).json()) as { messageId: string; message: string; subject: string; attributes: Record<string, string> }[];
      assert.deepEqual(kept.map((p) => [p.messageId, p.message, p.subject, p.attributes.kind]), [[MessageId, input.Message, input.Subject, 'message.inbound']]);
    } finally {
      await sns.stop();
    }
  });

  // [what SNS answers, the error the notifier throws, why]
  const cases: Array<[string, (response: ServerResponse) => void, new (...args: never[]) => Error]> = [
    ['404 NotFound (a deleted topic): never publishable', refusal(404, 'NotFound'), PermanentError],
    ['403 AuthorizationError (no permission): never publishable', refusal(403, 'AuthorizationError'), PermanentError],
    ['400 Throttling: surely not published, try again', refusal(400, 'Throttling'), DependencyError],
    ['500 InternalError: it may have been published', refusal(500, 'InternalError'), PublishUncertainError],
    ['a reset after the request arrived: it may have been published', (response) => response.socket?.destroy(), PublishUncertainError],
  ];
  for (const [title, answer, expected] of cases) {
    it(`sorts ${title}`, async () => {
      const { url, seen } = await standIn([answer]);
      const notifier = createSnsNotifier(createSnsPublish({ credentials: async () => credentials, region: 'us-east-1', endpoint: url }), TOPIC);
      await assert.rejects(notifier.publish(notification), (error: Error) => error.constructor === expected);
      assert.equal(seen.length, 1, 'tried once, never again on its own');
    });
  }

  it('sorts a refused connection as not published, and no answer in time as maybe published', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = createSnsNotifier(createSnsPublish({ credentials: async () => credentials, region: 'us-east-1', endpoint: `http://127.0.0.1:${port}` }), TOPIC);
    await assert.rejects(refused.publish(notification), (error: Error) => error.constructor === DependencyError);

    const { url } = await standIn([() => undefined]);
    const silent = createSnsNotifier(createSnsPublish({ credentials: async () => credentials, region: 'us-east-1', endpoint: url, requestTimeoutMs: 200 }), TOPIC);
    await assert.rejects(silent.publish(notification), (error: Error) => error.constructor === PublishUncertainError);
  });

  it('names refusals as the SDK does and reads XML text with its escapes undone', async () => {
    const { url } = await standIn([refusal(400, 'ParameterValueInvalid')]);
    await assert.rejects(createSnsPublish({ credentials: async () => credentials, region: 'us-east-1', endpoint: url })(input), (error: Error & { status?: number }) => {
      assert.equal(error.name, 'InvalidParameterValueException');
      assert.equal(error.status, 400);
      assert.match(error.message, /no & never/);
      return true;
    });
    assert.equal(xmlElement('<a><MessageId>x&lt;&#65;&#x42;&amp;</MessageId></a>', 'MessageId'), 'x<AB&');
    assert.equal(xmlElement('<a/>', 'MessageId'), undefined);
  });
});
