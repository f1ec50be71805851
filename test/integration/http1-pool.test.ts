import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createHttp1Pool, HttpTimeoutError, parseAnswer } from '../../lib/aws/http1-pool';

const timeouts = { connectionMs: 1000, requestMs: 1000 };
const servers: Server[] = [];
const serverSockets: Socket[] = [];
after(() => {
  serverSockets.forEach((socket) => socket.destroy());
  servers.forEach((server) => {
    (server as unknown as HttpServer).closeAllConnections?.();
    server.close();
  });
});

/** A raw TCP server: `answer` sees each request's bytes (one request per data event here: small bodies) and the socket. */
async function rawServer(answer: (request: string, socket: Socket, connection: number) => void): Promise<{ url: URL; connections: () => number }> {
  let connections = 0;
  const server = createNetServer((socket) => {
    const connection = ++connections;
    serverSockets.push(socket);
    socket.on('data', (chunk) => answer(chunk.toString('latin1'), socket, connection));
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`), connections: () => connections };
}

async function listen(server: HttpServer): Promise<number> {
  servers.push(server as unknown as Server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('parseAnswer (lib/aws/http1-pool.ts)', () => {
  const bytes = (text: string) => Buffer.from(text, 'latin1');

  it('waits for the whole body by Content-Length, and reads headers case-insensitively', () => {
    const whole = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Amzn-Query-Error: AWS.Foo;Sender\r\nSet-Thing: a\r\nSet-Thing: b\r\n\r\nhello';
    for (let cut = 0; cut < whole.length; cut++) assert.equal(parseAnswer(bytes(whole.slice(0, cut)), false), undefined, `cut at ${cut}`);
    const parsed = parseAnswer(bytes(whole), false)!;
    assert.deepEqual(parsed.answer, { status: 200, headers: { 'content-length': '5', 'x-amzn-query-error': 'AWS.Foo;Sender', 'set-thing': 'a, b' }, text: 'hello' });
    assert.equal(parsed.rest, 0);
  });

  it('decodes chunked bodies, with extensions and trailers, only once the last chunk is in', () => {
    const whole = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{"a"\r\n6\r\n:"é"}\r\n0\r\nX-Trailer: t\r\n\r\n';
    const utf8 = Buffer.from(whole, 'utf8');
    for (let cut = 0; cut < utf8.length; cut++) assert.equal(parseAnswer(utf8.subarray(0, cut), false), undefined, `cut at ${cut}`);
    assert.deepEqual(parseAnswer(utf8, false)!.answer.text, '{"a":"é"}');
    const noTrailers = bytes('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\nEXTRA');
    assert.deepEqual(parseAnswer(noTrailers, false), { answer: { status: 200, headers: { 'transfer-encoding': 'chunked' }, text: 'ok' }, rest: 5 });
  });

  it('skips interim 1xx answers, reads 204 as empty, and an answer without a length up to the end', () => {
    assert.equal(parseAnswer(bytes('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), false)!.answer.text, 'ok');
    assert.deepEqual(parseAnswer(bytes('HTTP/1.1 204 No Content\r\n\r\n'), false)!.answer, { status: 204, headers: {}, text: '' });
    assert.equal(parseAnswer(bytes('HTTP/1.1 500 Oops\r\n\r\nbody until close'), false), undefined);
    assert.equal(parseAnswer(bytes('HTTP/1.1 500 Oops\r\n\r\nbody until close'), true)!.answer.text, 'body until close');
  });

  it('refuses what is not HTTP/1.1 with a code, as node:http does', () => {
    for (const text of ['SSH-2.0-OpenSSH\r\n\r\n', 'HTTP/1.1 200 OK\r\nno colon\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']) {
      assert.throws(() => parseAnswer(bytes(text), false), (error: Error & { code?: string }) => error.code === 'HPE_INVALID', text);
    }
  });
});

describe('createHttp1Pool (lib/aws/http1-pool.ts) against real servers', () => {
  it('keeps one connection alive across requests, and sends exactly the headers and body given', async () => {
    const seen: string[] = [];
    const server = await rawServer((request, socket) => {
      seen.push(request);
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${seen.length}\r\n\r\n${'x'.repeat(seen.length)}`);
    });
    const post = createHttp1Pool();
    for (let i = 1; i <= 3; i++) assert.equal((await post(server.url, { host: server.url.host, 'content-length': '4' }, 'body', timeouts)).text, 'x'.repeat(i));
    assert.equal(server.connections(), 1, 'one connection for three requests');
    assert.equal(seen[0], `POST / HTTP/1.1\r\nhost: ${server.url.host}\r\ncontent-length: 4\r\n\r\nbody`);
  });

  it('refuses a header holding a line break before taking a connection', async () => {
    const server = await rawServer((_request, socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    const post = createHttp1Pool();
    await assert.rejects(post(server.url, { 'x-injected': 'a\r\nx-evil: 1' }, '', timeouts), TypeError);
    assert.equal(server.connections(), 0, 'no connection opened for a refused request');
    assert.equal((await post(server.url, { 'content-length': '0' }, '', timeouts)).text, 'ok');
  });

  it('opens a new connection after `connection: close`, after the server closed an idle one, and runs requests in parallel on several', async () => {
    const server = await rawServer((request, socket, connection) => {
      const close = request.includes('close-me');
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${String(connection).length}\r\n${close ? 'Connection: close\r\n' : ''}\r\n${connection}`);
      if (close) socket.end();
      if (request.includes('then-idle-close')) setTimeout(() => socket.end(), 20);
    });
    const post = createHttp1Pool();
    const send = (body: string) => post(server.url, { 'content-length': String(body.length) }, body, timeouts).then((a) => a.text);
    assert.equal(await send('close-me'), '1');
    assert.equal(await send('then-idle-close'), '2');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await send('plain'), '3', 'the idle connection the server closed was not reused');
    const parallel = await Promise.all([send('a'), send('b'), send('c')]);
    assert.equal(new Set(parallel).size, 3, `three connections at once: ${parallel}`);
  });

  it('fails as node:http would: refused (ECONNREFUSED), cut answers (ECONNRESET), and deadlines (HttpTimeoutError)', async () => {
    const post = createHttp1Pool();
    const closed = await rawServer(() => undefined);
    servers.pop()!.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await assert.rejects(post(closed.url, {}, '', timeouts), (error: Error & { code?: string }) => error.code === 'ECONNREFUSED');

    const cut = await rawServer((_request, socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf'));
    await assert.rejects(post(cut.url, {}, '', timeouts), (error: Error & { code?: string }) => error.code === 'ECONNRESET');
    const reset = await rawServer((_request, socket) => socket.resetAndDestroy());
    await assert.rejects(post(reset.url, {}, '', timeouts), (error: Error & { code?: string }) => error.code === 'ECONNRESET');

    const silent = await rawServer(() => undefined);
    const started = Date.now();
    await assert.rejects(post(silent.url, {}, '', { connectionMs: 1000, requestMs: 150 }), HttpTimeoutError);
    assert.ok(Date.now() - started < 900, 'the request deadline, not the connection one');
    // Over TLS a connection is open once the handshake is done: a server that never answers it never connects.
    const mute = new URL(silent.url.href.replace('http:', 'https:'));
    await assert.rejects(post(mute, {}, '', { connectionMs: 150, requestMs: 5000 }), (error: Error) => error instanceof HttpTimeoutError && /no connection within 150 ms/.test(error.message));
  });

  it('reads what node:http serves: chunked answers, large bodies, and UTF-8 split across packets', async () => {
    const big = 'é'.repeat(300_000);
    const port = await listen(
      createHttpServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (body === 'chunked') {
            res.write('part one, ');
            setTimeout(() => res.end('part two'), 10);
          } else res.end(body === 'big' ? big : `echo:${body}`);
        });
      }),
    );
    const post = createHttp1Pool();
    const url = new URL(`http://127.0.0.1:${port}/`);
    const send = (body: string) => post(url, { host: url.host, 'content-length': String(Buffer.byteLength(body)) }, body, timeouts);
    assert.equal((await send('chunked')).text, 'part one, part two');
    assert.equal((await send('big')).text, big);
    assert.equal((await send('ünïcode')).text, 'echo:ünïcode');
  });

  it('speaks TLS: verifies the certificate and the host name, and refuses one it cannot trust', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'http1-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
      const port = await listen(createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (_req, res) => res.end('secure')) as unknown as HttpServer);
      const url = new URL(`https://localhost:${port}/`);
      assert.equal((await createHttp1Pool({ ca: cert })(url, { host: url.host, 'content-length': '0' }, '', timeouts)).text, 'secure');
      await assert.rejects(createHttp1Pool()(url, { host: url.host, 'content-length': '0' }, '', timeouts), (error: Error & { code?: string }) => /SELF_SIGNED|UNABLE_TO_VERIFY/.test(error.code ?? ''));
      await assert.rejects(createHttp1Pool({ ca: cert })(new URL(`https://127.0.0.1:${port}/`), { 'content-length': '0' }, '', timeouts), (error: Error & { code?: string }) => error.code === 'ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
