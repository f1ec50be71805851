import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { SendMessage, SqsMessageAttribute } from '../../lib/queue/send-message';
import { receiveWebhook } from '../../lib/ingest/receive-webhook';
import type { WebhookRequest } from '../../lib/http/webhook-request';
import { createDeadLetterQueue } from '../../lib/queue/dead-letter-queue';
import { isValidSqsText, sqsSafeText } from '../../lib/queue/sqs-characters';
import { webhookQueueOver } from '../../lib/queue/webhook-queue';

// What SQS refuses and the local emulator does not: checked here on what we would send it.
const troublesome = fc.constantFrom(
  '\uffff',
  '\ufffe',
  '\ud800',
  '\udfff',
  '\u0000',
  '\u0008',
  '\u001f',
  '\u2028',
  '\ufeff',
  '😀',
  '\ufffd',
);
const unicodeText = fc
  .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), troublesome), { maxLength: 12 })
  .map((parts) => parts.join(''));

/** A client that records what would be sent: SQS's character rules are all this test needs of it. */
/** A SendMessage that records the attributes it would send. */
function capturingSendMessage(): { sendMessage: SendMessage; sent: Array<Record<string, SqsMessageAttribute>> } {
  const sent: Array<Record<string, SqsMessageAttribute>> = [];
  return { sendMessage: async (_url, _body, attributes) => void sent.push(attributes ?? {}), sent };
}

function request(contentType: string, body: string): WebhookRequest {
  return {
    routeKey: 'POST /incoming-sms',
    rawPath: '/incoming-sms',
    rawQueryString: '',
    pathParameters: {},
    headers: { 'content-type': contentType },
    body,
    isBase64Encoded: false,
    sourceIp: undefined,
    requestId: undefined,
    domainName: undefined,
    stage: undefined,
  };
}

describe('messages SQS would refuse', () => {
  it('every envelope the ingest queues is valid SQS text and parses back to the same envelope', async () => {
    await fc.assert(
      fc.asyncProperty(unicodeText, fc.boolean(), async (text, asForm) => {
        const sent: { MessageBody: string }[] = [];
        // The queue as the ingest and the SWML function build it, over a SendMessage that records what it would send.
        const queue = webhookQueueOver(
          async (_url, messageBody) => void sent.push({ MessageBody: messageBody }),
          'http://127.0.0.1:1/q',
        );
        const body = asForm
          ? new URLSearchParams({ MessageSid: 'SM1', Body: text }).toString()
          : JSON.stringify({ message_id: 'm1', body: text });
        const envelope = await receiveWebhook(
          request(asForm ? 'application/x-www-form-urlencoded' : 'application/json', body),
          { enqueue: queue.send },
        );
        const messageBody = sent[0]!.MessageBody;
        assert.ok(isValidSqsText(messageBody), JSON.stringify(messageBody));
        assert.deepEqual(JSON.parse(messageBody), JSON.parse(JSON.stringify(envelope)));
      }),
      { numRuns: 300 },
    );
  });

  it('every dead-letter reason is valid SQS text, and valid text is kept as it is', async () => {
    await fc.assert(
      fc.asyncProperty(unicodeText, async (reason) => {
        const { sendMessage, sent } = capturingSendMessage();
        await createDeadLetterQueue(sendMessage, 'http://127.0.0.1:1/dlq').send('{}', {
          reason,
          category: 'invalid',
          attempts: 1,
          sourceMessageId: 'm',
        });
        const attributes = Object.values(sent[0]!).map((a) => a.StringValue);
        assert.ok(attributes.every(isValidSqsText));
        if (isValidSqsText(reason)) assert.equal(sqsSafeText(reason), reason);
      }),
      { numRuns: 300 },
    );
  });
});
