/**
 * Serves HTTP/1.1 on sockets adopted from elsewhere (the master passes accepted sockets to
 * workers): a node:http server that never listens, fed with `adopt()`.
 */
import http from 'node:http';
import type net from 'node:net';
import { settle, type AppRequest } from '../app/types.js';
import { type ServeHooks, jsonErrorBytes } from './hooks.js';

const DISCARD_LIMIT = 4 * 1024 * 1024;

/** A kept-alive connection idle this long is closed; a proxy in front must give up on it sooner (deploy/plan.ts). */
export const KEEP_ALIVE_TIMEOUT_MS = 5000;

export interface HttpConnectionServer {
  adopt(socket: net.Socket, head: Buffer): void;
  /** open sockets */
  connections(): number;
  /** close idle keep-alive sockets; busy ones close after their response */
  drain(): void;
}

export function createHttpConnectionServer(hooks: ServeHooks): HttpConnectionServer {
  const sockets = new Set<net.Socket>();
  // The request line may carry a query up to max-body-size, so that an over-long one gets the
  // app's clear 413 rather than the parser's 431.
  const server = http.createServer({
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, headersTimeout: 10000, requestTimeout: 30000, maxHeaderSize: hooks.maxBodySize + 16384,
  });

  function run(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const appReq: AppRequest = {
      method: req.method ?? 'GET',
      path: q === -1 ? url : url.slice(0, q),
      query: q === -1 ? '' : url.slice(q + 1),
      headers: req.headers as Record<string, string | undefined>,
      body,
    };
    const started = process.hrtime.bigint();
    hooks.onStart(appReq.method, appReq.path);
    const finish = (status: number, bytes: number): void =>
      hooks.onEnd(status, bytes, Number(process.hrtime.bigint() - started) / 1000, appReq.method, appReq.path, res.shouldKeepAlive && !res.hasHeader('connection'));
    settle(
      () => hooks.handler(appReq),
      (out) => {
        const length = Buffer.byteLength(out.body);
        const headers: Record<string, string | number> = { ...out.headers, 'Content-Length': length };
        if (hooks.shouldClose()) headers.Connection = 'close';
        res.writeHead(out.status, headers);
        res.end(appReq.method === 'HEAD' ? undefined : out.body);
        finish(out.status, length + 120);
      },
      (e) => {
        const body = JSON.stringify({ error: `Internal error while serving ${appReq.method} ${appReq.path.slice(0, 100)}: ${(e as Error).message}` });
        console.error(`[worker ${process.pid}] error serving ${appReq.method} ${appReq.path.slice(0, 100)}:`, e);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
        res.end(body);
        finish(500, body.length + 120);
      },
    );
  }

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const declared = req.headers['content-length'];
    const hasBody = (declared !== undefined && declared !== '0') || req.headers['transfer-encoding'] !== undefined;
    // A request without a body runs now, synchronously; the worker is busy only while it runs,
    // never while a slow client is still sending.
    if (!hasBody) return run(req, res, Buffer.alloc(0));
    const tooLarge = (): void => {
      res.writeHead(413, { 'Content-Type': 'application/json', Connection: 'close' });
      res.end(JSON.stringify({ error: `The body is over the limit of ${hooks.maxBodySize} bytes (max-body-size)` }));
    };
    // A body over the limit is still read (and dropped) up to DISCARD_LIMIT, so that the client
    // finishes sending and sees the 413 instead of a broken pipe; past that, close at once.
    if (declared !== undefined && Number(declared) > DISCARD_LIMIT) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= hooks.maxBodySize) chunks.push(c);
      else if (size > DISCARD_LIMIT) req.socket.destroy();
    });
    req.on('end', () => {
      if (size > hooks.maxBodySize) tooLarge();
      else run(req, res, Buffer.concat(chunks));
    });
    req.on('error', () => req.socket.destroy());
  });

  server.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
    const [status, msg] =
      err.code === 'HPE_HEADER_OVERFLOW' ? [431, `The request line and headers are over ${hooks.maxBodySize + 16384} bytes (max-body-size + 16 KB)`]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'The request took too long to arrive']
      : [400, `Malformed HTTP request: ${err.message}`];
    socket.end(jsonErrorBytes(status, msg));
  });

  return {
    adopt(socket, head) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      // The parser starts consuming the native handle here, in the same tick the socket arrived,
      // before any read: the head goes in first (synchronously, below), then whatever the kernel
      // holds. (The master stopped reading for good before it passed the socket; see
      // master/listeners.ts, stopReading.)
      server.emit('connection', socket);
      // The master already read the first bytes; hand them to the HTTP parser as if they had
      // just arrived, then let the socket flow.
      if (head.length > 0) socket.emit('data', head);
      socket.resume();
    },
    connections: () => sockets.size,
    drain() {
      server.closeIdleConnections();
    },
  };
}
