/**
 * A node:http server that never listens: the master accepts a connection and passes the socket
 * (with the first bytes it already read) to a worker, or the worker accepted it itself (accept =
 * workers, with no bytes read); either way the worker feeds it in with `adopt()`.
 * Both the built-in app (httpConnection.ts) and a user's own app (nodeAppServer.ts) run on one.
 */
import http from 'node:http';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import { FIRST_BYTES_TIMEOUT_MS } from './peek.js';
import { FreshSockets } from './freshSockets.js';
import { jsonErrorBytes } from './hooks.js';

/** A kept-alive connection idle this long is closed; a proxy in front must give up on it sooner (deploy/plan.ts). */
export const KEEP_ALIVE_TIMEOUT_MS = 5000;

/**
 * drain() closes a connection idle this long (since it arrived, or since its latest response);
 * one active more recently closes after its next response, with `Connection: close`.
 */
const IDLE_BEFORE_CLOSE_MS = 1000;

export interface AdoptingHttpServer {
  readonly server: http.Server;
  adopt(socket: net.Socket, head: Buffer): void;
  /** open sockets */
  connections(): number;
  /** sockets that just arrived and have not started a request (see FreshSockets) */
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

  // When each socket was last active (it arrived, or a response finished) and whether it ever
  // carried a request: what drain() decides on.
  const lastActive = new WeakMap<net.Socket, number>();
  const served = new WeakSet<net.Socket>();
  const fresh = new FreshSockets();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    served.add(socket);
    fresh.started(socket);
    res.once('finish', () => lastActive.set(socket, Date.now()));
  });

  return {
    server,
    adopt(socket, head) {
      sockets.add(socket);
      lastActive.set(socket, Date.now());
      fresh.add(socket);
      socket.once('close', () => sockets.delete(socket));
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
    fresh: () => fresh.size,
    drain() {
      const now = Date.now();
      for (const socket of sockets) {
        // Mid-request (its response not finished): it closes after the response (shouldClose).
        if ((socket as { _httpMessage?: unknown })._httpMessage) continue;
        // Active just now: its client's next request may be on the wire, and a close would lose
        // it; that request is answered with `Connection: close` instead (shouldClose).
        // One that never sent a request (accept = workers takes connections before their first
        // byte) gets as long as the master would give it to send one (its first-bytes timeout).
        const limit = served.has(socket) ? IDLE_BEFORE_CLOSE_MS : FIRST_BYTES_TIMEOUT_MS;
        if (now - (lastActive.get(socket) ?? 0) > limit) socket.destroy();
      }
    },
  };
}
