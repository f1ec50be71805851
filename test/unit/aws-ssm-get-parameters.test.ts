import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { createSsmParametersReader } from '../../lib/aws/ssm-get-parameters';
import { DependencyError } from '../../lib/errors';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };
const STORED: Record<string, string> = { '/app/dev/signing-key': 'key-1,key-2', '/app/dev/basic-auth': 'user:pass' };

interface Recorded {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real local HTTP server standing in for SSM's JSON API (there is no SSM emulator here). */
describe('SSM GetParameters over one signed request', () => {
  let server: Server;
  let endpoint: string;
  const requests: Recorded[] = [];
  let failures: number[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        requests.push({ headers: req.headers, body });
        const status = failures.shift();
        if (status !== undefined) {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
          return res.end(JSON.stringify({ __type: status === 400 ? 'com.amazonaws.ssm#AccessDeniedException' : 'InternalServerError' }));
        }
        const { Names } = JSON.parse(body) as { Names: string[] };
        const Parameters = Names.filter((n) => STORED[n] !== undefined).map((Name) => ({ Name, Value: STORED[Name], Type: 'SecureString' }));
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ Parameters, InvalidParameters: Names.filter((n) => STORED[n] === undefined) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    requests.length = 0;
    failures = [];
  });

  const reader = () => createSsmParametersReader({ credentials: async () => credentials, region: async () => 'eu-west-1', ssmEndpoint: endpoint });

  it('reads SecureStrings decrypted and leaves out names SSM does not know', async () => {
    const values = await reader()(['/app/dev/signing-key', '/app/dev/basic-auth', '/app/dev/missing']);
    assert.deepEqual(Object.fromEntries(values), { '/app/dev/signing-key': 'key-1,key-2', '/app/dev/basic-auth': 'user:pass' });
    assert.equal(requests.length, 1);
    assert.deepEqual(JSON.parse(requests[0]!.body), { Names: ['/app/dev/signing-key', '/app/dev/basic-auth', '/app/dev/missing'], WithDecryption: true });
    assert.equal(requests[0]!.headers['x-amz-target'], 'AmazonSSM.GetParameters');
    assert.equal(requests[0]!.headers['content-type'], 'application/x-amz-json-1.1');
  });

  it('signs exactly what it sends (SigV4 for ssm in the region, session token included)', async () => {
    await reader()(['/app/dev/signing-key']);
    const { headers, body } = requests[0]!;
    const authorization = String(headers.authorization);
    const date = String(headers['x-amz-date']);
    assert.match(authorization, new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${date.slice(0, 8)}/eu-west-1/ssm/aws4_request, SignedHeaders=`));
    assert.equal(headers['x-amz-security-token'], 'session-token');
    // Re-sign the request as received: a body or header changed after signing would give another signature.
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';');
    const received = Object.fromEntries(signedHeaders.map((name) => [name, String(headers[name])]));
    // applyChecksum off: the SDK's signer would add x-amz-content-sha256, which only S3 requires; AWS checks the headers the request lists.
    const signer = new SignatureV4({ credentials, region: 'eu-west-1', service: 'ssm', sha256: Sha256, applyChecksum: false });
    const url = new URL(endpoint);
    const expected = await signer.sign(
      { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {}, headers: received, body },
      { signingDate: new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`) },
    );
    assert.equal(authorization, expected.headers.authorization);
  });

  it('asks for ten names at most per request', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `/app/dev/p${i}`);
    await reader()(names);
    assert.deepEqual(requests.map((r) => (JSON.parse(r.body) as { Names: string[] }).Names.length), [10, 2]);
  });

  it('tries again after a 5xx, and gives up at once on a 4xx', async () => {
    failures = [500];
    assert.equal((await reader()(['/app/dev/basic-auth'])).get('/app/dev/basic-auth'), 'user:pass');
    assert.equal(requests.length, 2);

    requests.length = 0;
    failures = [400];
    await assert.rejects(reader()(['/app/dev/basic-auth']), (error: unknown) => error instanceof DependencyError && /HTTP 400 \(AccessDeniedException\)/.test(error.message));
    assert.equal(requests.length, 1);
  });

  it('fails with a retryable error when SSM cannot be reached', async () => {
    const unreachable = createSsmParametersReader({ credentials: async () => credentials, region: async () => 'eu-west-1', ssmEndpoint: 'http://127.0.0.1:9', attempts: 1 });
    await assert.rejects(unreachable(['/x']), DependencyError);
  });
});
