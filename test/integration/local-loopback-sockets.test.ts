import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { after, describe, it } from 'node:test';
import { startSqs, type Emulator } from '../../local/emulators';
import { socketsOf } from '../../local/loopback-sockets';

/**
 * The local stack's function threads reach the emulators over Unix sockets (local/loopback-sockets.ts): the same
 * endpoint URL and signed request, answered by the same emulator, only not over loopback TCP. Run in a worker
 * thread, as a function is, since the routing is installed for a whole thread.
 */
describe('local function threads reach the emulators over their Unix sockets (local/loopback-sockets.ts)', () => {
  const emulators: Emulator[] = [];
  after(async () => {
    await Promise.all(emulators.map((e) => e.stop()));
  });

  /** In a fresh thread with the routing for `sockets`: creates a queue, sends to it through the lean client, and says which transport each connection used. */
  function inThread(endpoint: string, sockets: Record<string, string>): Promise<{ answers: unknown[]; transports: string[] }> {
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const net = require('node:net');
      (async () => {
        (await import('tsx/esm/api')).register(); // a thread's code is not run through the parent's TypeScript loader
        const { routeLoopbackToSockets } = await import(${JSON.stringify(new URL('../../local/loopback-sockets.ts', import.meta.url).href)});
        const { createAwsJsonClient } = await import(${JSON.stringify(new URL('../../lib/aws/aws-json-client.ts', import.meta.url).href)});
        routeLoopbackToSockets(workerData.sockets);
        const transports = [];
        const connect = net.connect; // as routed: the lean client opens its connections with net.connect
        net.connect = function (...args) {
          const socket = connect.apply(this, args);
          socket.once('connect', () => transports.push(socket.remoteAddress === undefined ? 'unix' : 'tcp'));
          return socket;
        };
        const sqs = createAwsJsonClient({ service: 'sqs', targetPrefix: 'AmazonSQS', credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'local' }), region: 'us-east-1', endpoint: workerData.endpoint });
        const { QueueUrl } = await sqs('CreateQueue', { QueueName: 'sockets-' + Date.now() });
        const sent = await sqs('SendMessage', { QueueUrl, MessageBody: 'hello' });
        const received = await sqs('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 1 });
        parentPort.postMessage({ answers: [typeof sent.MessageId, received.Messages.map((m) => m.Body)], transports });
      })().catch((error) => parentPort.postMessage({ error: String(error) }));
    `;
    const worker = new Worker(source, { eval: true, workerData: { endpoint, sockets } });
    return new Promise((resolve, reject) => {
      worker.once('message', (message: { error?: string; answers: unknown[]; transports: string[] }) => {
        void worker.terminate();
        if (message.error) reject(new Error(message.error));
        else resolve(message);
      });
      worker.once('error', reject);
    });
  }

  it('sends an emulator with a socket its requests over that socket, with the same answers as over TCP', async () => {
    const sqs = await startSqs();
    emulators.push(sqs);
    assert.ok(sqs.socketPath, 'the emulator announced a socket');
    const overSocket = await inThread(sqs.endpoint, socketsOf([sqs]));
    const overTcp = await inThread(sqs.endpoint, {});
    assert.deepEqual(overSocket.answers, ['string', ['hello']]);
    assert.deepEqual(overTcp.answers, overSocket.answers);
    assert.ok(overSocket.transports.length > 0 && overSocket.transports.every((t) => t === 'unix'), `over the socket: ${overSocket.transports}`);
    assert.ok(overTcp.transports.length > 0 && overTcp.transports.every((t) => t === 'tcp'), `over TCP: ${overTcp.transports}`);
  });
});
