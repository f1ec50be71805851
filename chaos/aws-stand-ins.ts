import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { serverlessAccessKeys } from '../local/local-credentials';
import { serveOnLoopback } from '../local/serve-on-loopback.mjs';

/** A notification the SNS stand-in accepted: its event key (from the JSON facts) and kind. */
export interface Published {
  messageId: string;
  eventKey: string;
  kind: string;
}

export interface StandIn {
  url: string;
  close(): Promise<void>;
}

/**
 * SNS's Publish (AWS query protocol): records every publish it accepted, which is what subscribers would get. Served
 * behind the local stack's AWS front (local/aws-front.mjs), so its requests are signature-checked as on AWS.
 */
export async function startSnsStandIn(): Promise<StandIn & { published: Published[] }> {
  const published: Published[] = [];
  const standIn = await listen((body, _req, res) => {
    const form = new URLSearchParams(body);
    if (form.get('Action') !== 'Publish')
      return send(
        res,
        400,
        'text/xml',
        '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code></Error></ErrorResponse>',
      );
    const messageId = randomUUID();
    let facts: { event_key?: string; kind?: string } = {};
    try {
      const message = JSON.parse(form.get('Message') ?? '{}') as { default?: string };
      facts = JSON.parse(message.default ?? '{}');
    } catch {
      // recorded with an empty key: the oracle counts it as a notification about nothing known
    }
    published.push({ messageId, eventKey: String(facts.event_key ?? ''), kind: String(facts.kind ?? '') });
    send(
      res,
      200,
      'text/xml',
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  });
  return { ...standIn, published };
}

async function listen(handle: (body: string, req: IncomingMessage, res: ServerResponse) => void): Promise<StandIn> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(Buffer.concat(chunks).toString('utf8'), req, res));
  });
  const served = await serveOnLoopback('sns', server, { accessKeys: serverlessAccessKeys() });
  return { url: `http://127.0.0.1:${served.port}`, close: () => served.close() };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': randomUUID() });
  res.end(body);
}
