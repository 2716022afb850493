/**
 * Serves the uwsgi protocol on adopted sockets: one request per connection, as nginx's
 * `uwsgi_pass` uses it; the answer is a plain HTTP response, then the socket closes.
 */
import type net from 'node:net';
import { settle, type AppRequest } from '../app/types.js';
import { type ServeHooks, internalErrorMessage, jsonErrorBytes, logRequestError, rawHttpResponse } from './hooks.js';
import { parseUwsgiPacket, uwsgiHeadLength, UwsgiProtocolError, type UwsgiPacket } from './uwsgi.js';
import { FreshSockets } from './freshSockets.js';

export function requestFromUwsgiVars(vars: Map<string, string>, body: Buffer): AppRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of vars) {
    if (k.startsWith('HTTP_')) headers[k.slice(5).toLowerCase().replace(/_/g, '-')] = v;
  }
  if (vars.has('CONTENT_TYPE')) headers['content-type'] = vars.get('CONTENT_TYPE');
  if (vars.has('CONTENT_LENGTH')) headers['content-length'] = vars.get('CONTENT_LENGTH');
  let path = vars.get('PATH_INFO');
  let query = vars.get('QUERY_STRING') ?? '';
  if (path === undefined) {
    const uri = vars.get('REQUEST_URI') ?? '/';
    const q = uri.indexOf('?');
    path = q === -1 ? uri : uri.slice(0, q);
    if (q !== -1 && !vars.has('QUERY_STRING')) query = uri.slice(q + 1);
  }
  return { method: vars.get('REQUEST_METHOD') ?? 'GET', path, query, headers, body };
}

const HEAD_TIMEOUT_MS = 30000;

/** A uwsgi request whose header and vars have arrived; the body follows on the socket. */
export interface UwsgiHead {
  packet: UwsgiPacket;
  /** CONTENT_LENGTH, checked */
  contentLength: number;
  /** what arrived after the vars: the start of the body */
  rest: Buffer;
}

/**
 * Reads the header and vars of the one request of an adopted uwsgi socket and calls `onHead`
 * once they are in (from inside a 'data' event: a listener it adds sees every later byte).
 * A malformed packet, a bad CONTENT_LENGTH or a request that does not arrive in time is answered
 * here with a JSON error. The arrival timeout stays on until `onHead` clears it (setTimeout(0)),
 * so that it can bound the body too.
 */
export function readUwsgiHead(socket: net.Socket, head: Buffer, onHead: (h: UwsgiHead) => void): void {
  socket.on('error', () => socket.destroy());
  socket.setTimeout(HEAD_TIMEOUT_MS, () => socket.end(jsonErrorBytes(408, 'The uwsgi request took too long to arrive')));
  let buf: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    const headLen = uwsgiHeadLength(buf);
    if (headLen === null || buf.length < headLen) return;
    socket.removeListener('data', onData);
    let packet: UwsgiPacket;
    try {
      packet = parseUwsgiPacket(buf);
    } catch (e) {
      const msg = e instanceof UwsgiProtocolError ? e.message : `malformed uwsgi request: ${(e as Error).message}`;
      socket.end(jsonErrorBytes(400, msg));
      return;
    }
    const declared = packet.vars.get('CONTENT_LENGTH');
    const contentLength = declared === undefined || declared === '' ? 0 : Number(declared);
    if (!Number.isInteger(contentLength) || contentLength < 0) {
      socket.end(jsonErrorBytes(400, `uwsgi request: CONTENT_LENGTH must be a non-negative integer, got ${JSON.stringify(declared)}`));
      return;
    }
    onHead({ packet, contentLength, rest: buf.subarray(headLen) });
  };
  socket.on('data', onData);
  if (head.length > 0) onData(head);
  socket.resume();
}

export interface UwsgiConnectionServer {
  adopt(socket: net.Socket, head: Buffer): void;
  connections(): number;
  /** sockets that just arrived and whose request head has not (see FreshSockets) */
  fresh(): number;
}

/** Tracks the open sockets of a uwsgi server: one request per connection, so they close by themselves. */
export function socketSet(): { add(socket: net.Socket): void; size(): number } {
  const sockets = new Set<net.Socket>();
  return {
    add(socket) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    },
    size: () => sockets.size,
  };
}

/** Serves tidepool's own routes (an AppHandler): the whole body is read before the handler runs. */
export function createUwsgiConnectionServer(hooks: ServeHooks): UwsgiConnectionServer {
  const sockets = socketSet();
  const fresh = new FreshSockets();

  function run(socket: net.Socket, req: AppRequest): void {
    const started = process.hrtime.bigint();
    hooks.onStart(req.method, req.path);
    const finish = (status: number, bytes: Buffer): void => {
      socket.end(bytes);
      hooks.onEnd(status, bytes.length, Number(process.hrtime.bigint() - started) / 1000, req.method, req.path, false);
    };
    settle(
      () => hooks.handler(req),
      (out) => finish(out.status, rawHttpResponse(out.status, out.headers, req.method === 'HEAD' ? '' : out.body)),
      (e) => {
        logRequestError(req.method, req.path, e);
        finish(500, jsonErrorBytes(500, internalErrorMessage(req.method, req.path, e)));
      },
    );
  }

  return {
    adopt(socket, head) {
      sockets.add(socket);
      fresh.add(socket);
      readUwsgiHead(socket, head, ({ packet, contentLength, rest }) => {
        fresh.started(socket);
        if (contentLength > hooks.maxBodySize) {
          socket.end(jsonErrorBytes(413, `The body is ${contentLength} bytes; the limit is ${hooks.maxBodySize} (max-body-size)`));
          return;
        }
        let body: Buffer = rest;
        const complete = (): void => {
          socket.setTimeout(0);
          run(socket, requestFromUwsgiVars(packet.vars, body.subarray(0, contentLength)));
        };
        if (body.length >= contentLength) return complete();
        const onBody = (chunk: Buffer): void => {
          body = Buffer.concat([body, chunk]);
          if (body.length < contentLength) return;
          socket.removeListener('data', onBody);
          complete();
        };
        socket.on('data', onBody);
      });
    },
    connections: sockets.size,
    fresh: () => fresh.size,
  };
}
