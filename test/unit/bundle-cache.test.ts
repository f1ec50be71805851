import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { cachedBundle, LAMBDA_BUNDLING } from '../../local/bundle-cache.mjs';
import { PROJECT_ROOT } from '../../local/project-root';

const cachedCliBundle = async () => cachedBundle(new URL('../../cli/main.ts', import.meta.url));
const bundleTime = async () => statSync(fileURLToPath(await cachedCliBundle())).mtimeMs;

describe('the bundle cache (local/bundle-cache.mjs): reused while its sources are unchanged, rebuilt when one changes', () => {
  it('reuses the bundle, rebuilds it after a source file changed, and the bundle runs', async () => {
    const first = await bundleTime();
    assert.equal(await bundleTime(), first, 'nothing changed: the same bundle');
    // a source of the CLI changes (its modification time moves on; put back afterwards)
    const source = join(PROJECT_ROOT, 'cli', 'output.ts');
    const { atime, mtime } = statSync(source);
    try {
      utimesSync(source, atime, new Date(mtime.getTime() + 5_000));
      assert.notEqual(await bundleTime(), first, 'rebuilt after cli/output.ts changed');
    } finally {
      utimesSync(source, atime, mtime);
    }
    // and the bundle is the CLI: it finds the project's files from where its sources are, not from the cache
    const bundle = fileURLToPath(await cachedCliBundle());
    const version = execFileSync(process.execPath, [bundle, '--version'], { encoding: 'utf8' });
    assert.match(version, /^webhooks \d+\.\d+\.\d+\n$/);
    // `send ROUTE` reads the route's default sample under samples/ before posting it (here to a closed port)
    const sent = spawnSync(process.execPath, [bundle, 'send', '/call-status', '--url', 'http://127.0.0.1:1'], {
      encoding: 'utf8',
      cwd: tmpdir(),
    });
    assert.equal(sent.status, 1);
    assert.match(sent.stderr, /fetch failed/, `read its sample and tried to post it: ${sent.stderr}`);
  });
  it("bundles a function for the local stack's threads as serverless.yml bundles it for Lambda: packages inside", async () => {
    const { esbuild } = parse(readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8')).custom;
    assert.deepEqual(LAMBDA_BUNDLING, { mainFields: esbuild.mainFields, alias: esbuild.alias });
    const bundle = readFileSync(
      fileURLToPath(await cachedBundle(new URL('../../functions/ingest.ts', import.meta.url), { lambda: true })),
      'utf8',
    );
    // Every package bundled (no import of one left), and the credentials from the environment only.
    assert.deepEqual(bundle.match(/^import .* from ["'](?!node:)[^"']+["'];?$/gm) ?? [], []);
    assert.doesNotMatch(bundle, /credential-provider-ini|fromInstanceMetadata/);
    assert.match(bundle, /credential-provider-env - fromEnv/);
  });
});
