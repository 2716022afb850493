/**
 * Runs a user's own (req, res) app under the worker's bookkeeping: each request reports its start
 * and end (status, bytes, time) through the hooks, answers `Connection: close` when the hooks
 * ask, and an error the app throws (or an async handler's rejection) answers a JSON 500 instead
 * of taking the worker down.
 */
import type http from 'node:http';
import { internalErrorMessage, logRequestError, type RequestHooks } from './hooks.js';

/** node:http's request listener, as a user's app exports it: express apps are ones. */
export type NodeRequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

/** The status reported for a response the client did not wait for (nginx's word for it). */
export const CLIENT_CLOSED = 499;

export interface TrackedApp {
  onRequest: http.RequestListener;
  /** Fail every request still running (the app crashed the process): returns how many. */
  failInFlight(error: unknown): number;
}

interface Running {
  fail(error: unknown): void;
}

function bytesWritten(socket: unknown): number {
  return (socket as { bytesWritten?: number } | null)?.bytesWritten ?? 0;
}

/**
 * Decides `Connection: close` when the headers go out, not when the request came in: the
 * master's queue may fill while a long request runs. node:http sends implicit headers through
 * writeHead too, and express replaces the response's prototype, so an own property it is.
 */
function closeWhenAsked(res: http.ServerResponse, shouldClose: () => boolean): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: http.ServerResponse, ...args: unknown[]) {
    if (shouldClose()) this.shouldKeepAlive = false;
    return (writeHead as (...a: unknown[]) => http.ServerResponse).apply(this, args);
  } as typeof res.writeHead;
}

/** `headers` go on every answer before the app runs (it may change them): which worker served it. */
export function trackRequests(listener: NodeRequestListener, hooks: RequestHooks, headers: Readonly<Record<string, string>>): TrackedApp {
  const headerList = Object.entries(headers);
  const running = new Set<Running>();

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    // res.socket is already detached when 'finish' fires; req.socket stays.
    const socket = req.socket;
    const sentBefore = bytesWritten(socket);
    const started = process.hrtime.bigint();
    let failed = false;
    let ended = false;
    hooks.onStart(method, path);
    for (const [name, value] of headerList) res.setHeader(name, value);
    closeWhenAsked(res, hooks.shouldClose);

    const end = (): void => {
      if (ended) return;
      ended = true;
      running.delete(entry);
      const status = failed ? 500 : res.writableFinished ? res.statusCode : CLIENT_CLOSED;
      const keptAlive = res.writableFinished && res.shouldKeepAlive && !socket.destroyed;
      hooks.onEnd(status, bytesWritten(socket) - sentBefore, Number(process.hrtime.bigint() - started) / 1000, method, path, keptAlive);
    };
    const fail = (error: unknown): void => {
      logRequestError(method, path, error);
      // An error after the whole answer went out (an async handler that rejects late) is only logged.
      if (ended) return;
      failed = true;
      if (res.headersSent) {
        // Part of another answer is out: cut it, so the client cannot take it for a whole one.
        res.destroy();
        return;
      }
      const body = JSON.stringify({ error: internalErrorMessage(method, path, error) });
      res.shouldKeepAlive = false;
      res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };
    const entry: Running = { fail };
    running.add(entry);
    res.once('finish', end);
    res.once('close', end);
    try {
      const out = listener(req, res);
      if (out instanceof Promise) out.then(undefined, fail);
    } catch (error) {
      fail(error);
    }
  };

  return {
    onRequest,
    failInFlight(error) {
      const all = [...running];
      for (const r of all) r.fail(error);
      return all.length;
    },
  };
}
