/**
 * A keep-alive HTTP/1.1 connection for the load generator, one request at a time, written with net.Socket alone.
 * The stack shares the machine's cores with the bench: this costs a fraction of node:http's client CPU per request,
 * so the load generator takes less of what it measures. It reads only what the bench needs: the
 * status code, and the body's end (Content-Length or chunked) to know the connection is free again.
 */
import { connect, type Socket } from 'node:net';

export interface RawConnection {
  post(path: string, contentType: string, body: string): Promise<number>;
  close(): void;
}

const HEADER_END = Buffer.from('\r\n\r\n');

export function rawConnection(baseUrl: string): RawConnection {
  const { hostname, port } = new URL(baseUrl);
  let socket: Socket | undefined;
  let pending: { resolve(status: number): void; reject(error: Error): void } | undefined;
  let buffered: Buffer = Buffer.alloc(0);

  const fail = (error: Error) => {
    socket?.destroy();
    socket = undefined;
    buffered = Buffer.alloc(0);
    const waiting = pending;
    pending = undefined;
    waiting?.reject(error);
  };

  /** Parses one whole response off the front of `buffered`, or returns undefined when more bytes are needed. */
  const takeResponse = (): number | undefined => {
    const headerEnd = buffered.indexOf(HEADER_END);
    if (headerEnd === -1) return undefined;
    const head = buffered.subarray(0, headerEnd).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let end: number;
    if (length) {
      end = headerEnd + 4 + Number(length[1]);
      if (buffered.length < end) return undefined;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const last = buffered.indexOf('\r\n0\r\n\r\n', headerEnd + 2);
      if (last === -1) return undefined;
      end = last + 7;
    } else {
      throw new Error(`response without a length: ${head.split('\r\n', 1)[0]}`);
    }
    buffered = buffered.subarray(end);
    return status;
  };

  const open = (): Socket => {
    const s = connect(Number(port), hostname);
    s.setNoDelay(true);
    s.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      try {
        const status = takeResponse();
        if (status === undefined) return;
        const waiting = pending;
        pending = undefined;
        waiting?.resolve(status);
      } catch (error) {
        fail(error as Error);
      }
    });
    s.on('error', (error) => fail(error));
    s.on('close', () => {
      if (socket === s) fail(new Error('connection closed'));
    });
    return s;
  };

  return {
    post(path, contentType, body) {
      if (pending) return Promise.reject(new Error('one request at a time on a raw connection'));
      socket ??= open();
      const request = `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      return new Promise<number>((resolve, reject) => {
        pending = { resolve, reject };
        socket!.write(request);
      });
    },
    close() {
      const s = socket;
      socket = undefined;
      s?.destroy();
    },
  };
}
