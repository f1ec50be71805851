import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { environmentCredentials } from '../../lib/aws/env-credentials';

describe('environmentCredentials (the ingest signs with what Lambda puts in its environment)', () => {
  it('reads the key, secret, session token and expiry at each call', async () => {
    const env: Record<string, string | undefined> = { AWS_ACCESS_KEY_ID: 'AKID1', AWS_SECRET_ACCESS_KEY: 's1', AWS_SESSION_TOKEN: 't1', AWS_CREDENTIAL_EXPIRATION: '2026-11-30T13:00:00Z' };
    const credentials = environmentCredentials(env);
    assert.deepEqual(await credentials(), { accessKeyId: 'AKID1', secretAccessKey: 's1', sessionToken: 't1', expiration: new Date('2026-11-30T13:00:00Z') });
    Object.assign(env, { AWS_ACCESS_KEY_ID: 'AKID2', AWS_SECRET_ACCESS_KEY: 's2', AWS_SESSION_TOKEN: '', AWS_CREDENTIAL_EXPIRATION: undefined });
    assert.deepEqual(await credentials(), { accessKeyId: 'AKID2', secretAccessKey: 's2' });
  });

  it('refuses to sign without a key and a secret', async () => {
    await assert.rejects(environmentCredentials({ AWS_ACCESS_KEY_ID: 'AKID' })(), /no AWS credentials in the environment/);
  });
});
