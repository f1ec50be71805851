// A local stand-in for SNS Publish (the worker's notifications, lib/notifications/sns-notifier.ts; query protocol).
// Keeps what was published (GET /published answers it as JSON, for tests) and, with `log` (SNS_LOG=1), prints each one
// as a JSON line on stderr, where `npm start` shows it.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

export function createSnsStandIn(log = process.env.SNS_LOG === '1') {
  const published = [];
  return createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/published') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(published));
    }
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const xml = (status, body) => {
        res.writeHead(status, { 'content-type': 'text/xml' });
        res.end(body);
      };
      if (form.get('Action') !== 'Publish' || !form.get('TopicArn') || !form.get('Message')) {
        return xml(
          400,
          '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>this stand-in answers Publish to a topic only</Message></Error></ErrorResponse>',
        );
      }
      const messageId = randomUUID();
      const attributes = {};
      for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
        attributes[form.get(`MessageAttributes.entry.${i}.Name`)] = form.get(
          `MessageAttributes.entry.${i}.Value.StringValue`,
        );
      }
      const entry = {
        messageId,
        topicArn: form.get('TopicArn'),
        subject: form.get('Subject'),
        message: form.get('Message'),
        messageStructure: form.get('MessageStructure'),
        attributes,
      };
      published.push(entry);
      if (log)
        process.stderr.write(
          `${JSON.stringify({
            level: 'info',
            time: new Date().toISOString(),
            msg: 'notification published (local SNS)',
            ...entry,
          })}\n`,
        );
      xml(
        200,
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    });
  });
}
