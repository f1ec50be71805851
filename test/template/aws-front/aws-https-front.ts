import { randomInt } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import {
  checkSignature,
  signatureRefusal,
  type ReceivedRequest,
  type SignatureCheck,
} from '../../../local/signature-check.mjs';
import { describeS3Request } from '../../../local/aws-call-recorder.mjs';
import { forwardToEmulator, type AwsService, type EmulatorRoutes } from './forward-to-emulator';
import type { SessionCredentials } from './lambda-environment';

/** One AWS call the front received, as it checked it. */
export interface FrontCall {
  /** The function whose credentials signed it (by access key id), or the key id itself. */
  caller: string;
  /** The Host it was sent to (`events.us-east-1.amazonaws.com`): which endpoint the handler's client chose. */
  host: string;
  service: string;
  /** X-Amz-Target's operation (JSON protocols) or the form's Action (query protocol). */
  operation: string;
  /** The request target the signature was checked against (the one received unless a check was altered). */
  target: string;
  verified: boolean;
  reason?: string;
  body: string;
  /** `sqs SendMessage / verified`, or `sqs SendMessage /123456789012/q SignatureDoesNotMatch: ...`. */
  summary: string;
}

/** Makes the front check a service's requests differently, to show that a handler fails when AWS would refuse it. */
interface CheckAlteration {
  service: AwsService;
  /** The request target to check instead of the one received (e.g. the queue's path, where a transport that signed `/` sent its SendMessage). */
  target?(received: ReceivedRequest): string;
  /** The secret to check against instead of the caller's. */
  secret?: string;
}

export interface AwsFront {
  /** The loopback address it listens on, port 443: what `*.amazonaws.com` resolves to in a handler's process. */
  address: string;
  calls: FrontCall[];
  alterChecks(alteration: CheckAlteration | undefined): void;
  close(): Promise<void>;
}

export interface AwsFrontOptions {
  tls: { key: string; cert: string };
  /** Access key id -> the function it was issued to and its session credentials. */
  callers: ReadonlyMap<string, { name: string; credentials: SessionCredentials }>;
  routes: EmulatorRoutes;
}

/** A regional endpoint, `<service>.<region>.amazonaws.com` (EventBridge's is `events.<region>...`, its SigV4 name). */
const REGIONAL_HOST = /^(sqs|dynamodb|ssm|sns|events)\.([a-z0-9-]+)\.amazonaws\.com(?::443)?$/;
/** S3's regional endpoint, virtual-hosted (`<bucket>.s3.<region>.amazonaws.com`) or path-style (`s3.<region>...`). */
const S3_HOST = /^(?:([a-z0-9][a-z0-9-]*)\.)?s3\.([a-z0-9-]+)\.amazonaws\.com(?::443)?$/;

/**
 * The AWS endpoints (`https://<service>.<region>.amazonaws.com`, S3's `https://<bucket>.s3.<region>.amazonaws.com`
 * too) as a handler's process reaches them: HTTPS on port
 * 443, a certificate for those names, every request's SigV4 checked as AWS checks it (local/signature-check.mjs:
 * the caller's secret, its session token, the credential scope against the host), refused in the service's own
 * error shape when it fails, else answered by the local emulators (forward-to-emulator.ts). Every call is recorded.
 *
 * Port 443 is what an SDK client dials for `https://`; it listens on a random 127.x.y.z address (Linux routes all of
 * 127.0.0.0/8 to the loopback interface) so that parallel runs never collide on it. Binding 443 needs root (CI and
 * these machines run tests as root).
 */
export async function startAwsFront(options: AwsFrontOptions): Promise<AwsFront> {
  const calls: FrontCall[] = [];
  let alteration: CheckAlteration | undefined;
  const server = createServer({ key: options.tls.key, cert: options.tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      answer(received).then(
        ({ status, headers, body }) =>
          res
            .writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers })
            .end(req.method === 'HEAD' ? undefined : body),
        (error: unknown) => res.writeHead(502, { 'content-type': 'text/plain' }).end(`aws front: ${error}`),
      );
    });
  });

  async function answer(
    received: ReceivedRequest,
  ): Promise<{ status: number; headers: Record<string, string>; body: string | Buffer }> {
    const s3 = S3_HOST.exec(String(received.headers.host ?? ''));
    const host = s3 ? ([s3[0], 's3', s3[2]!] as const) : REGIONAL_HOST.exec(String(received.headers.host ?? ''));
    const service = (host?.[1] ?? 'unknown') as AwsService;
    // S3 virtual-hosted: the bucket named by the host, moved into the path for the emulator (and the call's summary).
    const pathStyle = s3?.[1] !== undefined ? { ...received, url: `/${s3[1]}${received.url}` } : received;
    const altered = alteration?.service === service ? alteration : undefined;
    const checked = altered?.target ? { ...received, url: altered.target(received) } : received;
    const check = host
      ? await checkAsAws(checked, service, host[2]!, altered?.secret)
      : ({
          ok: false,
          code: 'SignatureDoesNotMatch',
          reason: `SignatureDoesNotMatch: no AWS service at host ${received.headers.host}`,
        } as const);
    const keyId = /Credential=([^/,\s]+)\//.exec(String(received.headers.authorization ?? ''))?.[1] ?? 'unsigned';
    const operation =
      service === 's3'
        ? describeS3Request(received.method, pathStyle.url, received.headers).operation
        : operationOf(received.headers, received.body);
    const outcome = check.ok ? 'verified' : check.reason;
    calls.push({
      caller: options.callers.get(keyId)?.name ?? keyId,
      host: String(received.headers.host ?? ''),
      service,
      operation,
      target: checked.url,
      verified: check.ok,
      ...(!check.ok && { reason: check.reason }),
      body: received.body.toString('utf8'),
      summary: `${service} ${operation} ${service === 's3' ? pathStyle.url : checked.url} ${outcome}`,
    });
    if (!check.ok) return signatureRefusal(received.headers, check.reason, { service, method: received.method });
    return forwardToEmulator(options.routes, service, check.region, pathStyle);
  }

  /** The signature, then what AWS checks beside it: the session token issued with the key, the scope against the host. */
  async function checkAsAws(
    request: ReceivedRequest,
    service: AwsService,
    region: string,
    secret: string | undefined,
  ): Promise<SignatureCheck> {
    const check = await checkSignature(request, (id) => secret ?? options.callers.get(id)?.credentials.secretAccessKey);
    if (!check.ok) return check;
    if (request.headers['x-amz-security-token'] !== options.callers.get(check.accessKeyId)?.credentials.sessionToken) {
      return {
        ok: false,
        code: 'InvalidClientTokenId',
        reason: 'InvalidClientTokenId: The security token included in the request is invalid',
      };
    }
    if (check.service !== service || check.region !== region) {
      return {
        ok: false,
        code: 'SignatureDoesNotMatch',
        reason: `SignatureDoesNotMatch: Credential should be scoped to ${region}/${service}, not ${check.region}/${check.service}`,
      };
    }
    return check;
  }

  const address = await listenOnRandomLoopback(server);
  return {
    address,
    calls,
    alterChecks: (next) => {
      alteration = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** X-Amz-Target's operation, or a query-protocol body's Action. */
function operationOf(headers: IncomingHttpHeaders, body: Buffer): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.indexOf('.') + 1);
  return new URLSearchParams(body.toString('utf8')).get('Action') ?? 'unknown';
}

async function listenOnRandomLoopback(server: Server): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const address = `127.${randomInt(16, 255)}.${randomInt(1, 255)}.${randomInt(1, 255)}`;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(443, address, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return address;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES')
        throw new Error(
          `the AWS front cannot bind ${address}:443: run the tests as root (or with CAP_NET_BIND_SERVICE)`,
          { cause: error },
        );
      if (code !== 'EADDRINUSE' || attempt >= 5) throw error;
    }
  }
}
