/**
 * Serves the uwsgi protocol on adopted sockets: one request per connection, as nginx's
 * `uwsgi_pass` uses it; the answer is a plain HTTP response, then the socket closes.
 */
import type net from 'node:net';
import { settle, type AppRequest } from '../app/types.js';
import { type ServeHooks, jsonErrorBytes, rawHttpResponse } from './hooks.js';
import { parseUwsgiPacket, uwsgiHeadLength, UwsgiProtocolError } from './uwsgi.js';

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

export interface UwsgiConnectionServer {
  adopt(socket: net.Socket, head: Buffer): void;
  connections(): number;
}

export function createUwsgiConnectionServer(hooks: ServeHooks): UwsgiConnectionServer {
  const sockets = new Set<net.Socket>();

  function answer(socket: net.Socket, bytes: Buffer): void {
    socket.end(bytes);
  }

  function run(socket: net.Socket, req: AppRequest): void {
    const started = process.hrtime.bigint();
    hooks.onStart(req.method, req.path);
    const finish = (status: number, bytes: Buffer): void => {
      answer(socket, bytes);
      hooks.onEnd(status, bytes.length, Number(process.hrtime.bigint() - started) / 1000, req.method, req.path, false);
    };
    settle(
      () => hooks.handler(req),
      (out) => finish(out.status, rawHttpResponse(out.status, out.headers, req.method === 'HEAD' ? '' : out.body)),
      (e) => {
        console.error(`[worker ${process.pid}] error serving ${req.method} ${req.path.slice(0, 100)}:`, e);
        finish(500, jsonErrorBytes(500, `Internal error while serving ${req.method} ${req.path.slice(0, 100)}: ${(e as Error).message}`));
      },
    );
  }

  return {
    adopt(socket, head) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.setTimeout(HEAD_TIMEOUT_MS, () => answer(socket, jsonErrorBytes(408, 'The uwsgi request took too long to arrive')));
      let buf = head;
      let done = false;
      const onData = (chunk: Buffer): void => {
        if (done) return;
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
        const headLen = uwsgiHeadLength(buf);
        if (headLen === null || buf.length < headLen) return;
        let req: AppRequest;
        try {
          const packet = parseUwsgiPacket(buf);
          const declared = packet.vars.get('CONTENT_LENGTH');
          const length = declared === undefined || declared === '' ? 0 : Number(declared);
          if (!Number.isInteger(length) || length < 0) {
            done = true;
            return answer(socket, jsonErrorBytes(400, `uwsgi request: CONTENT_LENGTH must be a non-negative integer, got ${JSON.stringify(declared)}`));
          }
          if (length > hooks.maxBodySize) {
            done = true;
            return answer(socket, jsonErrorBytes(413, `The body is ${length} bytes; the limit is ${hooks.maxBodySize} (max-body-size)`));
          }
          if (buf.length < headLen + length) return;
          req = requestFromUwsgiVars(packet.vars, buf.subarray(headLen, headLen + length));
        } catch (e) {
          done = true;
          const msg = e instanceof UwsgiProtocolError ? e.message : `malformed uwsgi request: ${(e as Error).message}`;
          return answer(socket, jsonErrorBytes(400, msg));
        }
        done = true;
        socket.setTimeout(0);
        run(socket, req);
      };
      socket.on('data', onData);
      if (head.length > 0) {
        buf = Buffer.alloc(0);
        onData(head);
      }
      socket.resume();
    },
    connections: () => sockets.size,
  };
}
