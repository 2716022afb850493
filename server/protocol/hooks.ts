import type { AppHandler } from '../app/types.js';

/** What a connection server tells its owner about each request, and asks of it, whatever app serves it. */
export interface RequestHooks {
  maxBodySize: number;
  /** a complete request is about to run */
  onStart(method: string, path: string): void;
  /** it ran: status, bytes written, microseconds; `keptAlive` when the connection stays open for more */
  onEnd(status: number, txBytes: number, rtUs: number, method: string, path: string, keptAlive: boolean): void;
  /** answer `Connection: close` (requests wait elsewhere, or this process is draining) */
  shouldClose(): boolean;
}

/** The hooks of a server that runs tidepool's own routes (the built-in app, the master's admin routes). */
export interface ServeHooks extends RequestHooks {
  handler: AppHandler;
}

export const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  421: 'Misdirected Request',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A complete HTTP/1.1 response as bytes: for the uwsgi protocol and for answers the master gives itself. */
export function rawHttpResponse(status: number, headers: Record<string, string>, body: string, close = true): Buffer {
  const bodyBuf = Buffer.from(body);
  let head = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Unknown'}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  head += `Content-Length: ${bodyBuf.length}\r\n`;
  if (close) head += 'Connection: close\r\n';
  return Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), bodyBuf]);
}

export function jsonErrorBytes(status: number, message: string, extra: Record<string, string> = {}): Buffer {
  return rawHttpResponse(status, { 'Content-Type': 'application/json', ...extra }, JSON.stringify({ error: message }));
}

/** The 500 answer's message when an app throws: which request, and what the app said. */
export function internalErrorMessage(method: string, path: string, error: unknown): string {
  return `Internal error while serving ${method} ${path.slice(0, 100)}: ${error instanceof Error ? error.message : String(error)}`;
}

export function logRequestError(method: string, path: string, error: unknown): void {
  console.error(`[worker ${process.pid}] error serving ${method} ${path.slice(0, 100)}:`, error);
}
