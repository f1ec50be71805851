import assert from 'node:assert/strict';
import { createServer as createHttpServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Server } from 'node:net';
import { after, describe, it } from 'node:test';
// @ts-expect-error: a JavaScript module of our own, without types
import { createLeanFront } from '../../local/lean-http-front.mjs';

/**
 * The emulators' lean HTTP front (local/lean-http-front.mjs): plain POSTs are answered through it, everything else by
 * the emulator's own node:http server, on the same connection, with the same answer.
 */
describe('the emulators\' lean HTTP front (local/lean-http-front.mjs)', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  /** An "emulator": answers with what it was asked, the way dynalite does (setHeader, statusCode, end). */
  async function front(): Promise<number> {
    const emulator = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.statusCode = req.url === '/missing' ? 404 : 200;
        res.setHeader('x-echo', `${req.method} ${req.url} ${req.headers['x-amz-target'] ?? '-'}`);
        res.setHeader('Content-Type', 'application/x-amz-json-1.0');
        res.write('{"body":');
        res.end(JSON.stringify(Buffer.concat(chunks).toString('utf8')) + '}');
      });
    });
    const lean = createLeanFront(emulator) as Server;
    servers.push(lean);
    await new Promise<void>((resolve) => lean.listen(0, '127.0.0.1', resolve));
    return (lean.address() as AddressInfo).port;
  }

  /** Raw exchanges on one connection: each request's bytes, then the answers as received. */
  async function exchange(port: number, requests: string[]): Promise<string> {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    for (const text of requests) {
      const before = (received.match(/^HTTP\/1\.1 /gm) ?? []).length;
      socket.write(text);
      for (let i = 0; i < 200 && (received.match(/^HTTP\/1\.1 /gm) ?? []).length === before; i++) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 20));
    }
    socket.destroy();
    return received;
  }

  it('answers plain POSTs itself, and hands anything else, with its bytes, to the emulator\'s own server on the same connection', async () => {
    const port = await front();
    const body = '{"TableName":"é"}';
    const plain = `POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.GetItem\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const chunked = `POST /missing HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n`;
    const answers = await exchange(port, [plain, plain, chunked, plain, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n']);
    const heads = answers.split(/(?=HTTP\/1\.1 )/);
    assert.equal(heads.length, 5, answers);
    // node:http's server says Keep-Alive: timeout=5 on a kept-alive connection; the lean front does not.
    const lean = (answer: string) => !/keep-alive: timeout/i.test(answer);
    assert.deepEqual(heads.map(lean), [true, true, false, false, false], 'lean, lean, then node:http for the rest of the connection');
    for (const answer of heads.slice(0, 2)) {
      assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(answer, /\r\nx-echo: POST \/ DynamoDB_20120810\.GetItem\r\n/i);
      assert.match(answer, new RegExp(`\\r\\nContent-Length: ${Buffer.byteLength('{"body":' + JSON.stringify(body) + '}')}\\r\\n`, 'i'));
      assert.ok(answer.endsWith(`{"body":${JSON.stringify(body)}}`));
    }
    // node:http answers with its own chunks: {"body": then "abcd"}.
    assert.match(heads[2]!, /^HTTP\/1\.1 404 Not Found\r\n[\s\S]*x-echo: POST \/missing -[\s\S]*\{"body":\r\n7\r\n"abcd"\}\r\n0\r\n\r\n$/i);
    assert.match(heads[4]!, /x-echo: GET \/health -/i);
  });

  it('serves node:http\'s own client, a body split over several packets, and closes when asked', async () => {
    const port = await front();
    const big = 'x'.repeat(200_000);
    const answer = await new Promise<{ status: number; text: string; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/', headers: { 'content-length': String(big.length), connection: 'close' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      });
      req.on('error', reject);
      req.write(big.slice(0, 1000));
      setTimeout(() => req.end(big.slice(1000)), 20);
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.connection, 'close');
    assert.equal(answer.text, `{"body":"${big}"}`);
  });
});
