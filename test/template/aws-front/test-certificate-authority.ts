import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ServerCertificate {
  /** The CA's certificate (PEM file): what the handler's process trusts through NODE_EXTRA_CA_CERTS. */
  caFile: string;
  /** The server's key and certificate (PEM), signed by that CA, valid for `hostNames`. */
  key: string;
  cert: string;
  dispose(): void;
}

/**
 * A throw-away certificate authority made with `openssl` (P-256 keys, valid one day) and a server certificate it
 * signed whose subjectAltName lists `hostNames` (e.g. `sqs.us-east-1.amazonaws.com`, or `*.us-east-1.amazonaws.com`).
 * Nothing is installed anywhere: only a process given `caFile` in NODE_EXTRA_CA_CERTS trusts it.
 */
export async function makeServerCertificate(hostNames: readonly string[]): Promise<ServerCertificate> {
  const dir = mkdtempSync(join(tmpdir(), 'aws-front-ca-'));
  const file = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await run('openssl', [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=packaged-bundles test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await run('openssl', [
      'req',
      ...ec,
      '-keyout',
      file('server.key'),
      '-out',
      file('server.csr'),
      '-subj',
      `/CN=${hostNames[0]}`,
    ]);
    writeFileSync(
      file('server.ext'),
      [
        `subjectAltName=${hostNames.map((name) => `DNS:${name}`).join(',')}`,
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth',
      ].join('\n'),
    );
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('server.pem'),
      '-days',
      '1',
      '-extfile',
      file('server.ext'),
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`openssl could not make the test certificate: ${(error as { stderr?: string }).stderr ?? error}`);
  }
  return {
    caFile: file('ca.pem'),
    key: readFileSync(file('server.key'), 'utf8'),
    cert: readFileSync(file('server.pem'), 'utf8'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
