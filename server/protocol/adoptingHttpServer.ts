/**
 * A node:http server that never listens: the master accepts a connection and passes the socket
 * (with the first bytes it already read) to a worker, or the worker accepted it itself (accept =
 * workers, with no bytes read); either way the worker feeds it in with `adopt()`.
 * Both the built-in app (httpConnection.ts) and a user's own app (nodeAppServer.ts) run on one.
 */
import http from 'node:http';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import { jsonErrorBytes } from './hooks.js';

/** A kept-alive connection idle this long is closed; a proxy in front must give up on it sooner (deploy/plan.ts). */
export const KEEP_ALIVE_TIMEOUT_MS = 5000;

/** A connection that has sent no request this long after it arrived is closed by drain(). */
const FIRST_REQUEST_GRACE_MS = 1000;

export interface AdoptingHttpServer {
  readonly server: http.Server;
  adopt(socket: net.Socket, head: Buffer): void;
  /** open sockets */
  connections(): number;
  /** open sockets that have not sent a whole request head yet (just arrived) */
  fresh(): number;
  /** close idle keep-alive sockets (and ones that sent nothing for a while); busy ones close after their response */
  drain(): void;
}

export function createAdoptingHttpServer(maxBodySize: number, onRequest: http.RequestListener): AdoptingHttpServer {
  const sockets = new Set<net.Socket>();
  // The request line may carry a query up to max-body-size, so that an over-long one gets the
  // app's clear 413 rather than the parser's 431.
  const maxHeaderSize = maxBodySize + 16384;
  const server = http.createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, headersTimeout: 10000, requestTimeout: 30000, maxHeaderSize }, onRequest);

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
    const [status, msg] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, `The request line and headers are over ${maxHeaderSize} bytes (max-body-size + 16 KB)`]
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'The request took too long to arrive']
          : [400, `Malformed HTTP request: ${err.message}`];
    socket.end(jsonErrorBytes(status, msg));
  });

  // Sockets that carried a request, and when the others arrived: drain() spares a fresh
  // connection whose request may still be on its way (accept = workers takes connections the
  // moment they are complete, before a byte is read).
  const served = new WeakSet<net.Socket>();
  const arrived = new WeakMap<net.Socket, number>();
  const unserved = new Set<net.Socket>();
  server.on('request', (req: http.IncomingMessage) => {
    served.add(req.socket);
    unserved.delete(req.socket);
  });

  return {
    server,
    adopt(socket, head) {
      sockets.add(socket);
      arrived.set(socket, Date.now());
      unserved.add(socket);
      socket.once('close', () => {
        sockets.delete(socket);
        unserved.delete(socket);
      });
      // The parser starts consuming the native handle here, in the same tick the socket arrived,
      // before any read: the head goes in first (synchronously, below), then whatever the kernel
      // holds. (The master stopped reading for good before it passed the socket; see
      // master/accept/listeners.ts, stopReading.)
      server.emit('connection', socket);
      // The master already read the first bytes; hand them to the HTTP parser as if they had
      // just arrived, then let the socket flow.
      if (head.length > 0) socket.emit('data', head);
      socket.resume();
    },
    connections: () => sockets.size,
    fresh: () => unserved.size,
    drain() {
      const now = Date.now();
      for (const socket of sockets) {
        // Mid-request (its response not finished): it closes after the response (shouldClose).
        if ((socket as { _httpMessage?: unknown })._httpMessage) continue;
        if (served.has(socket) || now - (arrived.get(socket) ?? 0) > FIRST_REQUEST_GRACE_MS) socket.destroy();
      }
    },
  };
}
