/** Minimal HTTP clients for tests: one request on a fresh connection, over a UNIX path or TCP. */
import http from 'node:http';
import net from 'node:net';
import { encodeUwsgiPacket } from '../../server/protocol/uwsgi.js';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: () => any;
}

export type Target = { socketPath: string } | { host: string; port: number };

export function request(
  target: Target,
  path: string,
  options: { method?: string; body?: string | Buffer; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ ...target, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 20000, () => req.destroy(new Error(`request ${path} timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Send raw bytes, read until the server closes (or the timeout), return what came back. */
export function rawExchange(target: Target, bytes: Buffer | string, timeoutMs = 10000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = 'socketPath' in target ? net.connect(target.socketPath) : net.connect(target.port, target.host);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no close within ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(0, 200))}`));
    }, timeoutMs);
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    sock.end(bytes);
  });
}

/** One request over the uwsgi protocol, as nginx's uwsgi_pass sends it; returns the parsed HTTP answer. */
/** One uwsgi request on a fresh connection: to a UNIX path, or to a TCP target. */
export async function uwsgiRequest(
  to: string | Target,
  method: string,
  uri: string,
  body = '',
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const q = uri.indexOf('?');
  const vars: Record<string, string> = {
    QUERY_STRING: q === -1 ? '' : uri.slice(q + 1),
    REQUEST_METHOD: method,
    CONTENT_TYPE: headers['content-type'] ?? '',
    CONTENT_LENGTH: String(Buffer.byteLength(body)),
    REQUEST_URI: uri,
    PATH_INFO: decodeURIComponent(q === -1 ? uri : uri.slice(0, q)),
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '127.0.0.1',
    HTTP_HOST: 'localhost',
  };
  for (const [k, v] of Object.entries(headers)) vars['HTTP_' + k.toUpperCase().replace(/-/g, '_')] = v;
  const text = await rawExchange(typeof to === 'string' ? { socketPath: to } : to, encodeUwsgiPacket(vars, Buffer.from(body)));
  return parseHttpResponse(text);
}

export function parseHttpResponse(text: string): { status: number; headers: Record<string, string>; body: string } {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`not an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine!);
  if (!m) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(m[1]), headers, body: text.slice(end + 4) };
}
