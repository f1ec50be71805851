import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A stand-in for the host SignalWire serves recordings from: GET /recordings/<name> answers `size` bytes of a
 * deterministic pattern (generated as it is sent, never held whole), with Content-Length and a content type. It can cut
 * the next downloads part-way (the socket destroyed after `afterBytes`), and counts what it served.
 */
export interface RecordingServer {
  url: string;
  /** Adds a recording; returns its URL and the sha256 of its bytes. */
  add(name: string, size: number, contentType?: string): { url: string; sha256: string; size: number };
  /** The next `count` downloads stop after `afterBytes` bytes (the connection dropped). */
  cutNext(count: number, afterBytes: number): void;
  /** Downloads started, the ones that sent every byte, and the ones cut part-way (`cutNext`). */
  started: number;
  completed: number;
  cut: number;
  /** The same counts for one recording (by the name it was added under). */
  downloadsOf(name: string): { started: number; completed: number; cut: number };
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;

/** Byte `i` of every recording: a cheap pattern that is not all one value (so a checksum catches a misplaced part). */
function chunkAt(offset: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) buffer[i] = ((offset + i) * 31 + ((offset + i) >>> 11)) & 0xff;
  return buffer;
}

function sha256OfPattern(size: number): string {
  const hash = createHash('sha256');
  for (let offset = 0; offset < size; offset += CHUNK) hash.update(chunkAt(offset, Math.min(CHUNK, size - offset)));
  return hash.digest('hex');
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const recordings = new Map<string, { size: number; contentType: string }>();
  const cuts: number[] = [];
  const sockets = new Set<Socket>();
  const state = { started: 0, completed: 0, cut: 0 };
  const perName = new Map<string, { started: number; completed: number; cut: number }>();
  const server: Server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname.replace(/^\/recordings\//, ''));
    const recording = recordings.get(name);
    if (request.method !== 'GET' || recording === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const counts = perName.get(name) ?? { started: 0, completed: 0, cut: 0 };
    perName.set(name, counts);
    state.started += 1;
    counts.started += 1;
    const cutAt = cuts.shift();
    response.writeHead(200, { 'content-type': recording.contentType, 'content-length': String(recording.size) });
    let offset = 0;
    const pump = () => {
      while (offset < recording.size) {
        if (cutAt !== undefined && offset >= cutAt) {
          state.cut += 1;
          counts.cut += 1;
          request.socket.destroy();
          return;
        }
        const length = Math.min(CHUNK, recording.size - offset);
        const more = response.write(chunkAt(offset, length));
        offset += length;
        if (!more) {
          response.once('drain', pump);
          return;
        }
      }
      state.completed += 1;
      counts.completed += 1;
      response.end();
    };
    pump();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    add(name, size, contentType = 'video/mp4') {
      recordings.set(name, { size, contentType });
      return { url: `${url}/recordings/${encodeURIComponent(name)}`, sha256: sha256OfPattern(size), size };
    },
    cutNext(count, afterBytes) {
      for (let i = 0; i < count; i++) cuts.push(afterBytes);
    },
    get started() {
      return state.started;
    },
    get completed() {
      return state.completed;
    },
    get cut() {
      return state.cut;
    },
    downloadsOf: (name) => ({ ...(perName.get(name) ?? { started: 0, completed: 0, cut: 0 }) }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
