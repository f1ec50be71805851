import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { deliverJob, type DeliverDeps } from '../../lib/destinations/deliver-job';
import { parseDeliveryJob } from '../../lib/destinations/delivery-job';
import { postEvent } from '../../lib/destinations/post-event';
import { classify } from '../../lib/security/outbound-url';
import { jobBody, newSigningSecret } from '../helpers/delivery-jobs';

const job = parseDeliveryJob(jobBody('crm'));

/** deliverJob with a resolver from a table; counts the POSTs it would have made. */
function attempt(url: string, table: Record<string, string[]>, allowLoopback = false) {
  const posts: string[] = [];
  const deps: DeliverDeps = {
    resolveHost: async (host) => {
      const found = table[host];
      if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return found;
    },
    allowLoopback,
    signingSecret: async () => newSigningSecret(),
    post: async (request) => {
      posts.push(request.address);
      return { kind: 'answered', status: 200, body: '' };
    },
    timeoutMs: 1000,
    maxBodyBytes: 4096,
  };
  return deliverJob(job, { name: 'crm', url }, deps).then((verdict) => ({ verdict, posts }));
}

describe('destinations and SSRF: where a delivery may go', () => {
  it('refuses, for good and before any request, a host resolving to any non-public address', async () => {
    const cases: [string, RegExp][] = [
      ['10.0.0.7', /is private/],
      ['172.20.1.1', /is private/],
      ['192.168.0.9', /is private/],
      ['127.0.0.1', /is loopback/],
      ['::1', /is loopback/],
      ['169.254.169.254', /is link-local/],
      ['fe80::1', /is link-local/],
      ['100.64.1.2', /is private/], // CGNAT
      ['fd12:3456::1', /is private/], // IPv6 unique local
      ['::ffff:10.0.0.1', /is private/], // IPv4-mapped
      ['64:ff9b::a00:1', /is private/], // NAT64 of 10.0.0.1
      ['0.0.0.0', /is reserved/],
      ['::', /is reserved/],
      ['224.0.0.251', /is reserved/], // multicast
      ['ff02::1', /is reserved/],
    ];
    for (const [address, reason] of cases) {
      const { verdict, posts } = await attempt('https://hooks.example.com/in', { 'hooks.example.com': [address] });
      assert.equal(verdict.kind, 'final', address);
      assert.match((verdict as { reason: string }).reason, reason, address);
      assert.deepEqual(posts, [], `${address}: no request made`);
    }
  });

  it('refuses a host with one private address among public ones (DNS can answer either)', async () => {
    const { verdict, posts } = await attempt('https://mixed.example.com/in', {
      'mixed.example.com': ['203.0.113.10', '10.0.0.7'],
    });
    assert.equal(verdict.kind, 'final');
    assert.deepEqual(posts, []);
  });

  it('refuses an address literal and plain http; loopback only with the local flag', async () => {
    assert.equal((await attempt('https://10.9.8.7/in', {})).verdict.kind, 'final');
    assert.equal((await attempt('https://[fd00::1]/in', {})).verdict.kind, 'final');
    assert.equal(
      (await attempt('http://hooks.example.com/in', { 'hooks.example.com': ['203.0.113.10'] })).verdict.kind,
      'final',
    );
    assert.equal((await attempt('http://127.0.0.1:9/in', {})).verdict.kind, 'final');
    const local = await attempt('http://localhost:9/in', { localhost: ['127.0.0.1', '::1'] }, true);
    assert.deepEqual(local, { verdict: { kind: 'delivered', status: 200 }, posts: ['127.0.0.1'] });
  });

  it('retries a name that does not resolve (the destination may fix its DNS), and posts to a public one', async () => {
    const missing = await attempt('https://gone.example.com/in', {});
    assert.equal(missing.verdict.kind, 'retry');
    assert.match((missing.verdict as { reason: string }).reason, /ENOTFOUND/);
    const ok = await attempt('https://hooks.example.com/in', { 'hooks.example.com': ['203.0.113.10', '2001:db8::1'] });
    assert.deepEqual(ok.posts, ['203.0.113.10']);
  });

  it('classifies as the recordings copier does (one guard for both)', () => {
    assert.equal(classify('100.127.255.255'), 'private');
    assert.equal(classify('100.128.0.1'), 'public');
    assert.equal(classify('64:ff9b::808:808'), 'public');
  });

  it('connects to the checked address, never resolving the name again (no DNS rebinding)', async () => {
    const seen: { host?: string; body: string }[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({ host: request.headers.host, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // `.invalid` never resolves (RFC 6761): only the pinned address can have been used.
      const outcome = await postEvent({
        url: new URL(`http://destination.invalid:${port}/hooks`),
        address: '127.0.0.1',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
        timeoutMs: 5000,
        maxBodyBytes: 4096,
      });
      assert.deepEqual(outcome, { kind: 'answered', status: 202, body: '' });
      assert.deepEqual(seen, [{ host: `destination.invalid:${port}`, body: '{"a":1}' }]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
