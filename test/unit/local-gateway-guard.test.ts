import assert from 'node:assert/strict';
import { request, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createHttpGateway } from '../../local/http-gateway';

/** POSTs to the gateway with exactly these headers (Host included, which fetch would not let us set). */
function post(port: number, headers: OutgoingHttpHeaders): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/incoming-sms',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    req.end('Body=HELP&From=%2B15550001111');
  });
}

/**
 * `npm start` listens on a fixed loopback port: a web page the developer visits must not be able to drive it (a
 * cross-site form posting HELP sends a real, billed SMS) nor read it through DNS rebinding. SignalWire (through a
 * tunnel) and curl keep working.
 */
describe('the local gateway refuses what a web page can send it', () => {
  let port: number;
  let handled = 0;
  const { server, setRoutes } = createHttpGateway({ publicBaseUrl: 'https://my-tunnel.example.dev/base' });
  before(async () => {
    setRoutes([
      {
        method: 'POST',
        path: '/incoming-sms',
        timeoutMs: 1000,
        handler: async () => {
          handled++;
          return { statusCode: 200, body: '{}' };
        },
      },
    ]);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("accepts curl and SignalWire: the stack's own loopback names, or the tunnel's host", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'my-tunnel.example.dev']) {
      assert.equal((await post(port, { host })).status, 200, host);
    }
    assert.equal(
      (
        await post(port, {
          host: `localhost:${port}`,
          origin: `http://localhost:${port}`,
          'sec-fetch-site': 'same-origin',
        })
      ).status,
      200,
    );
    assert.equal(handled, 4);
  });

  it('refuses a cross-site form (Sec-Fetch-Site or a foreign Origin) and a rebound Host, with a JSON reason, before any handler runs', async () => {
    const before = handled;
    const refused = [
      { host: `127.0.0.1:${port}`, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { host: `127.0.0.1:${port}`, origin: 'https://evil.example' },
      { host: `127.0.0.1:${port}`, origin: 'null' },
      { host: `127.0.0.1:${port}`, origin: `http://localhost:5173` },
      { host: `rebound.evil.example:${port}` },
      { host: `127.0.0.1:${port + 1}` },
    ];
    for (const headers of refused) {
      const answer = await post(port, headers);
      assert.equal(answer.status, 403, JSON.stringify(headers));
      assert.match(JSON.parse(answer.body).message, /refused|not allowed/);
    }
    assert.equal(handled, before);
  });
});
