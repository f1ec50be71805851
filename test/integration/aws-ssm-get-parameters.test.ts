import assert from 'node:assert/strict';
import type { Server, ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { parametersReaderWith } from '../../lib/aws/ssm';
import { DependencyError } from '../../lib/errors';
import { startSsmStandIn } from '../../local/emulators';
import { scriptedServer } from '../helpers/scripted-server';
import { ssmClientAt } from '../helpers/sdk-clients';

const STORED: Record<string, string> = {
  '/app/dev/signing-key': '["key-1","key-2"]',
  '/app/dev/basic-auth': 'user:pass',
};
const refuse = (status: number, type: string) => (response: ServerResponse) =>
  response
    .writeHead(status, { 'content-type': 'application/x-amz-json-1.1' })
    .end(JSON.stringify({ __type: type, message: 'no' }));

/** SSM GetParameters through the SDK's client (lib/aws/ssm.ts), against the local SSM stand-in and scripted failures. */
describe('SSM GetParameters through the SDK', () => {
  const servers: Server[] = [];
  after(() => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
  });

  it('reads SecureStrings decrypted, ten names a request, and leaves out names SSM does not know', async () => {
    const names = [...Object.keys(STORED), ...Array.from({ length: 12 }, (_, i) => `/app/dev/missing-${i}`)];
    const ssm = await startSsmStandIn(STORED);
    const client = ssmClientAt(ssm.endpoint);
    try {
      const values = await parametersReaderWith(client)(names);
      assert.deepEqual(Object.fromEntries(values), STORED);
    } finally {
      client.destroy();
      await ssm.stop();
    }
  });

  it('tries again after a 5xx, and fails at once with a DependencyError on a refusal (AccessDenied)', async () => {
    const flaky = await scriptedServer([
      refuse(500, 'InternalServerError'),
      (response) => response.writeHead(200).end('{"Parameters":[{"Name":"a","Value":"v"}]}'),
    ]);
    const denied = await scriptedServer([refuse(400, 'AccessDeniedException')]);
    servers.push(flaky.server, denied.server);
    const [retried, refused] = [
      ssmClientAt(flaky.url, { maxAttempts: 2, connectionTimeoutMs: 500, requestTimeoutMs: 1000 }),
      ssmClientAt(denied.url),
    ];
    assert.equal((await parametersReaderWith(retried)(['a'])).get('a'), 'v');
    assert.equal(flaky.seen.length, 2);
    await assert.rejects(
      parametersReaderWith(refused)(['a']),
      (error: Error) => error instanceof DependencyError && /AccessDeniedException/.test(error.message),
    );
    assert.equal(denied.seen.length, 1);
    retried.destroy();
    refused.destroy();
  });
});
