/**
 * Serves tidepool's own routes (an AppHandler) over HTTP/1.1 on sockets adopted from the master.
 */
import type http from 'node:http';
import { settle, type AppRequest } from '../app/types.js';
import { createAdoptingHttpServer, type AdoptingHttpServer } from './adoptingHttpServer.js';
import { type ServeHooks, internalErrorMessage, logRequestError } from './hooks.js';

const DISCARD_LIMIT = 4 * 1024 * 1024;

export function createHttpConnectionServer(hooks: ServeHooks): AdoptingHttpServer {
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
      hooks.onEnd(
        status,
        bytes,
        Number(process.hrtime.bigint() - started) / 1000,
        appReq.method,
        appReq.path,
        res.shouldKeepAlive && !res.hasHeader('connection'),
      );
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
        const body = JSON.stringify({ error: internalErrorMessage(appReq.method, appReq.path, e) });
        logRequestError(appReq.method, appReq.path, e);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
        res.end(body);
        finish(500, body.length + 120);
      },
    );
  }

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const declared = req.headers['content-length'];
    const hasBody = (declared !== undefined && declared !== '0') || req.headers['transfer-encoding'] !== undefined;
    // A request without a body runs now, synchronously; the worker is busy only while it runs,
    // never while a slow client is still sending.
    if (!hasBody) {
      run(req, res, Buffer.alloc(0));
      return;
    }
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
  };

  return createAdoptingHttpServer(hooks.maxBodySize, onRequest);
}
