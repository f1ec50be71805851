import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import type { ReceivedRequest } from '../../../local/signature-check.mjs';

export type AwsService = 'sqs' | 'dynamodb' | 'ssm' | 'sns' | 's3' | 'events';

export interface EmulatorAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface EmulatorRoutes {
  /** Each service's local emulator or stand-in, e.g. `http://127.0.0.1:4567`. */
  endpoints: Record<AwsService, string>;
  /** AWS-shaped queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`) -> the emulator's URL of that queue. */
  queueUrls: ReadonlyMap<string, string>;
  /** The key the emulators know (the local stack's own): what a forwarded request is signed with again. */
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Hands a request the front verified to the service's emulator. SQS requests name the queue by its AWS URL (in the
 * JSON body's QueueUrl, or as the path): that becomes the emulator's URL of the same queue. The request is then
 * signed again, for the emulator's host and with the local stack's key (the emulators' own front checks signatures
 * too), so what the bundle signed was checked once, here, as AWS would, and never needs to match an emulator's host.
 * S3 requests come path-style (`/<bucket>/<key>`: the front moved a virtual-hosted bucket into the path), signed again
 * by S3's rules (the path as sent, the body's SHA-256 in x-amz-content-sha256).
 */
export async function forwardToEmulator(
  routes: EmulatorRoutes,
  service: AwsService,
  region: string,
  received: ReceivedRequest,
): Promise<EmulatorAnswer> {
  const endpoint = new URL(routes.endpoints[service]);
  let { url, body } = received;
  if (service === 'sqs') ({ url, body } = toEmulatorQueue(routes, received));
  const [path, query = ''] = url.split(/\?(.*)/s, 2) as [string, string?];
  const headers: Record<string, string> = { host: endpoint.host, 'content-length': String(body.length) };
  for (const name of ['content-type', 'x-amz-target', 'accept']) {
    const value = received.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  if (service === 's3') headers['x-amz-content-sha256'] = createHash('sha256').update(body).digest('hex');
  const signer = new SignatureV4({
    service,
    region,
    credentials: routes.credentials,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
    uriEscapePath: service !== 's3',
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: received.method,
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: Number(endpoint.port),
      path,
      query: Object.fromEntries(new URLSearchParams(query)),
      headers,
      body,
    }),
  );
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(
      { host: endpoint.hostname, port: endpoint.port, method: received.method, path: url, headers: signed.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const answerHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(answer.headers)) {
            // A HEAD's Content-Length is the object's size (HeadObject's ContentLength), not its empty body's.
            const length = name === 'content-length' && received.method !== 'HEAD';
            if (
              value !== undefined &&
              !length &&
              !['connection', 'keep-alive', 'transfer-encoding', 'date'].includes(name)
            )
              answerHeaders[name] = String(value);
          }
          resolve({ status: answer.statusCode ?? 502, headers: answerHeaders, body: Buffer.concat(chunks) });
        });
        answer.on('error', reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/** The request with its AWS queue URL (JSON body) or queue path replaced by the emulator's. */
function toEmulatorQueue(routes: EmulatorRoutes, received: ReceivedRequest): { url: string; body: Buffer } {
  const emulatorPath = (awsUrl: string) => {
    const local = routes.queueUrls.get(awsUrl);
    if (local === undefined) throw new Error(`no emulator queue for ${awsUrl}`);
    return local;
  };
  let body = received.body;
  const input =
    received.headers['x-amz-target'] !== undefined && body.length > 0
      ? (JSON.parse(body.toString('utf8')) as { QueueUrl?: unknown })
      : undefined;
  if (typeof input?.QueueUrl === 'string')
    body = Buffer.from(JSON.stringify({ ...input, QueueUrl: emulatorPath(input.QueueUrl) }));
  const path = received.url.split('?', 1)[0] ?? '/';
  if (path === '/') return { url: received.url, body };
  const awsUrl = [...routes.queueUrls.keys()].find((candidate) => new URL(candidate).pathname === path);
  if (awsUrl === undefined) throw new Error(`no emulator queue at path ${path}`);
  return { url: new URL(emulatorPath(awsUrl)).pathname + received.url.slice(path.length), body };
}
