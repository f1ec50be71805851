// Local stack only: the emulators' HTTP/1.1 front, lighter than node:http's server for the requests the stack makes.
//
// Every AWS call the functions make is a POST with a Content-Length body, one at a time on a kept-alive connection.
// For those, this front parses the request line and headers itself and calls the emulator's own request listener
// with a minimal request (an EventEmitter with method, url, headers, then one 'data' and 'end') and response
// (statusCode, setHeader/getHeader/removeHeader, writeHead, write, end), written back as one HTTP/1.1 answer with its
// Content-Length. node:http's server builds a parser, two streams, timers and a header object per exchange: this
// takes 7-9% off each emulator's CPU in the end-to-end bench (measured interleaved). Anything else (another method,
// chunked or `Expect`, an upgrade, a repeated header, a head over 16 KB, not HTTP/1.1) hands the connection, with the
// bytes read so far, to the emulator's node:http server for good, so what the emulator answers never depends on which
// front read the request.
// LEAN_HTTP=off serves every connection with node:http.
import { EventEmitter } from 'node:events';
import { STATUS_CODES } from 'node:http';
import { createServer } from 'node:net';

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 16 * 1024;
const PLAIN_REQUEST_LINE = /^POST (\/\S*) HTTP\/1\.1$/;
const UNSUPPORTED = new Set(['transfer-encoding', 'expect', 'upgrade']);

/** A net server for `httpServer`'s request listener; `httpServer` itself (never listening) takes the connections handed over. */
export function createLeanFront(httpServer) {
  const listeners = httpServer.listeners('request');
  const handle = (req, res) => {
    for (const listener of listeners) listener.call(httpServer, req, res);
  };
  return createServer((socket) => serve(socket, handle, httpServer));
}

function serve(socket, handle, httpServer) {
  socket.setNoDelay(true);
  let buffered = null;
  let busy = false;
  let open = true;

  const onData = (chunk) => {
    buffered = buffered === null ? chunk : Buffer.concat([buffered, chunk]);
    if (!busy) next();
  };
  const onEnd = () => {
    open = false;
    if (!busy) socket.end();
  };
  const onError = () => socket.destroy();
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('error', onError);

  const handOver = () => {
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.off('error', onError);
    if (buffered !== null) socket.unshift(buffered);
    buffered = null;
    httpServer.emit('connection', socket);
    if (!open) socket.push(null);
  };

  function next() {
    if (buffered === null) return;
    const headEnd = buffered.indexOf(HEAD_END);
    if (headEnd === -1) {
      if (buffered.length > MAX_HEAD) handOver();
      return;
    }
    if (headEnd > MAX_HEAD) return handOver();
    const lines = buffered.toString('latin1', 0, headEnd).split('\r\n');
    const requestLine = PLAIN_REQUEST_LINE.exec(lines[0]);
    if (requestLine === null) return handOver();
    const headers = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(':');
      if (colon <= 0) return handOver();
      const name = line.slice(0, colon).trim().toLowerCase();
      if (name in headers || UNSUPPORTED.has(name)) return handOver();
      headers[name] = line.slice(colon + 1).trim();
    }
    const length = headers['content-length'];
    if (length === undefined || !/^\d{1,9}$/.test(length)) return handOver();
    const end = headEnd + 4 + Number(length);
    if (buffered.length < end) return;
    const body = buffered.subarray(headEnd + 4, end);
    buffered = buffered.length > end ? buffered.subarray(end) : null;
    busy = true;
    const closeAfter = /(^|,)\s*close\s*(,|$)/i.test(headers.connection ?? '');
    const req = new EventEmitter();
    Object.assign(req, { method: 'POST', url: requestLine[1], headers, httpVersion: '1.1', httpVersionMajor: 1, httpVersionMinor: 1, socket, connection: socket, complete: true });
    const res = new LeanResponse(socket, closeAfter, () => {
      busy = false;
      if (closeAfter) socket.end();
      else if (!open) socket.end();
      else next();
    });
    handle(req, res);
    process.nextTick(() => {
      if (body.length > 0) req.emit('data', body);
      req.emit('end');
    });
  }
}

let dateSecond = 0;
let dateText = '';
const httpDate = () => {
  const now = Date.now();
  if (now - dateSecond >= 1000) {
    dateSecond = now - (now % 1000);
    dateText = new Date(dateSecond).toUTCString();
  }
  return dateText;
};

class LeanResponse extends EventEmitter {
  constructor(socket, closeAfter, done) {
    super();
    this.statusCode = 200;
    this.statusMessage = undefined;
    this.headersSent = false;
    this.writableEnded = false;
    this.finished = false;
    this.socket = socket;
    this._headers = new Map();
    this._chunks = [];
    this._closeAfter = closeAfter;
    this._done = done;
  }
  setHeader(name, value) {
    this._headers.set(String(name).toLowerCase(), [String(name), value]);
    return this;
  }
  getHeader(name) {
    return this._headers.get(String(name).toLowerCase())?.[1];
  }
  hasHeader(name) {
    return this._headers.has(String(name).toLowerCase());
  }
  removeHeader(name) {
    this._headers.delete(String(name).toLowerCase());
  }
  getHeaders() {
    return Object.fromEntries([...this._headers].map(([key, [, value]]) => [key, value]));
  }
  writeHead(statusCode, reason, headers) {
    this.statusCode = statusCode;
    if (typeof reason === 'string') this.statusMessage = reason;
    else headers = reason;
    if (Array.isArray(headers)) for (let i = 0; i < headers.length; i += 2) this.setHeader(headers[i], headers[i + 1]);
    else if (headers) for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
    return this;
  }
  write(chunk, encoding, callback) {
    if (chunk !== undefined && chunk !== null) this._chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : Buffer.from(chunk));
    if (typeof encoding === 'function') encoding();
    else if (typeof callback === 'function') callback();
    return true;
  }
  end(data, encoding, callback) {
    if (this.writableEnded) return this;
    if (typeof data === 'function') [callback, data] = [data, undefined];
    if (typeof encoding === 'function') [callback, encoding] = [encoding, undefined];
    this.write(data, encoding);
    const body = this._chunks.length === 1 ? this._chunks[0] : Buffer.concat(this._chunks);
    // The whole body is here: sent with its length (a `Transfer-Encoding: chunked` set for an empty 413 included).
    this._headers.delete('transfer-encoding');
    this._headers.set('content-length', ['Content-Length', body.length]);
    if (!this._headers.has('date')) this._headers.set('date', ['Date', httpDate()]);
    this._headers.set('connection', ['Connection', this._closeAfter ? 'close' : 'keep-alive']);
    let head = `HTTP/1.1 ${this.statusCode} ${this.statusMessage ?? STATUS_CODES[this.statusCode] ?? 'Unknown'}\r\n`;
    for (const [name, value] of this._headers.values()) {
      if (Array.isArray(value)) for (const each of value) head += `${name}: ${each}\r\n`;
      else head += `${name}: ${value}\r\n`;
    }
    this.headersSent = true;
    this.writableEnded = true;
    this.finished = true;
    this.socket.write(Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), body]));
    if (typeof callback === 'function') process.nextTick(callback);
    process.nextTick(() => {
      this.emit('finish');
      this.emit('close');
      this._done();
    });
    return this;
  }
}
