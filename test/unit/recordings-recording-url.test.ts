import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermanentError } from '../../lib/errors';
import { checkRecordingUrl, classify } from '../../lib/recordings/recording-url';

const resolver = (table: Record<string, string[]>) => async (host: string) => table[host] ?? [];

describe('checkRecordingUrl (which recording URLs a copy may fetch: SSRF)', () => {
  it('classifies loopback, private, link-local, CGNAT, unique-local, mapped and public addresses', () => {
    const cases: [string, string][] = [
      ['127.0.0.1', 'loopback'],
      ['::1', 'loopback'],
      ['10.0.0.1', 'private'],
      ['172.16.5.4', 'private'],
      ['172.32.0.1', 'public'],
      ['192.168.1.1', 'private'],
      ['100.64.0.1', 'private'],
      ['169.254.169.254', 'link-local'],
      ['fe80::1', 'link-local'],
      ['fd12:3456::1', 'private'],
      ['::ffff:10.0.0.1', 'private'],
      ['::ffff:8.8.8.8', 'public'],
      ['0.0.0.0', 'reserved'],
      ['::', 'reserved'],
      ['224.0.0.1', 'reserved'],
      ['8.8.8.8', 'public'],
      ['2606:4700::1111', 'public'],
    ];
    for (const [address, kind] of cases) assert.equal(classify(address), kind, address);
  });

  it('lets an https URL through when every address of its host is public', async () => {
    const url = await checkRecordingUrl(
      'https://files.signalwire.com/r/a.mp4',
      resolver({ 'files.signalwire.com': ['104.18.1.1', '2606:4700::1'] }),
    );
    assert.equal(url.hostname, 'files.signalwire.com');
  });

  it('refuses a host with any private address among its answers, a host that does not resolve, and credentials', async () => {
    const resolve = resolver({
      'mixed.example.com': ['104.18.1.1', '10.0.0.7'],
      'meta.example.com': ['169.254.169.254'],
    });
    for (const [url, reason] of [
      ['https://mixed.example.com/a.mp4', /is private \(10\.0\.0\.7\)/],
      ['https://meta.example.com/a.mp4', /is link-local/],
      ['https://nowhere.example.com/a.mp4', /does not resolve/],
      ['https://user:pass@files.example.com/a.mp4', /carries credentials/],
      ['ftp://files.example.com/a.mp4', /not https/],
      ['not a url', /not a URL/],
    ] as const) {
      await assert.rejects(checkRecordingUrl(url, resolve), (error) => {
        assert.ok(error instanceof PermanentError);
        assert.match(error.message, reason);
        return true;
      });
    }
  });

  it('allows plain http to loopback only when told to (the local stack), and never to another host', async () => {
    const resolve = resolver({ localhost: ['127.0.0.1'], 'lan.example.com': ['192.168.0.9'] });
    await checkRecordingUrl('http://127.0.0.1:9000/a.mp4', resolve, true);
    await checkRecordingUrl('http://localhost:9000/a.mp4', resolve, true);
    await assert.rejects(checkRecordingUrl('http://127.0.0.1:9000/a.mp4', resolve), /not https/);
    await assert.rejects(checkRecordingUrl('http://lan.example.com/a.mp4', resolve, true), /not https/);
    await assert.rejects(checkRecordingUrl('https://lan.example.com/a.mp4', resolve, true), /is private/);
  });
});
