/**
 * A uwsgi request (CGI-style vars from nginx's `uwsgi_pass`) written back as the HTTP request
 * it came from, for node:http to parse into the IncomingMessage an app expects. Pure.
 *
 * It is written as HTTP/1.0: node then answers with no chunked encoding and closes after the
 * response, which is exactly what the uwsgi protocol expects (one request per connection, the
 * body delimited by Content-Length or by the close), and never sends `100 Continue` into the
 * response (nginx already answered the client's Expect).
 */
import { UwsgiProtocolError } from './uwsgi.js';

/**
 * Request headers that describe nginx's connection to the client, not the request: the body
 * arrives whole with CONTENT_LENGTH, the connection is this one.
 */
const HOP_BY_HOP = new Set([
  'HTTP_CONNECTION',
  'HTTP_KEEP_ALIVE',
  'HTTP_TE',
  'HTTP_TRANSFER_ENCODING',
  'HTTP_UPGRADE',
  'HTTP_EXPECT',
  'HTTP_CONTENT_LENGTH',
  'HTTP_CONTENT_TYPE',
]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const LINE_BREAK_OR_NUL = /[\r\n\0]/;

/** The request's facts that are not headers, for the socket the app sees. */
export interface UwsgiPeer {
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  /** HTTPS=on (nginx sets it for TLS clients in uwsgi_params) */
  encrypted: boolean;
  /** HTTP/1.1 when the client spoke it (SERVER_PROTOCOL) */
  httpVersion: string;
}

export function uwsgiPeer(vars: ReadonlyMap<string, string>): UwsgiPeer {
  const port = Number(vars.get('REMOTE_PORT'));
  const version = /^HTTP\/(\d\.\d)$/.exec(vars.get('SERVER_PROTOCOL') ?? '')?.[1];
  return {
    remoteAddress: vars.get('REMOTE_ADDR') || undefined,
    remotePort: Number.isInteger(port) && port > 0 ? port : undefined,
    encrypted: /^on$/i.test(vars.get('HTTPS') ?? '') || vars.get('REQUEST_SCHEME') === 'https',
    httpVersion: version ?? '1.0',
  };
}

/** `/a b/ü` as a request target: bytes outside the printable ASCII set percent-encoded. */
function encodeTarget(latin1: string): string {
  let out = '';
  for (let i = 0; i < latin1.length; i++) {
    const c = latin1.charCodeAt(i);
    out += c > 0x20 && c < 0x7f && c !== 0x23 /* # */ ? latin1[i] : `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The request target: REQUEST_URI as the client sent it, else PATH_INFO (decoded by nginx) and QUERY_STRING. */
function requestTarget(vars: ReadonlyMap<string, string>): string {
  const uri = vars.get('REQUEST_URI');
  if (uri !== undefined && uri !== '') {
    if (/[\s\0]/.test(uri)) throw new UwsgiProtocolError(`uwsgi request: REQUEST_URI must not contain white space, got ${JSON.stringify(uri.slice(0, 80))}`);
    return uri;
  }
  const path = vars.get('PATH_INFO') || '/';
  const query = vars.get('QUERY_STRING') ?? '';
  return encodeTarget(path) + (query === '' ? '' : `?${encodeTarget(query)}`);
}

/** The HTTP/1.0 request head (latin1 bytes, as the vars were read) for a uwsgi request. */
export function httpRequestHead(vars: ReadonlyMap<string, string>, contentLength: number): Buffer {
  const method = vars.get('REQUEST_METHOD') || 'GET';
  if (!TOKEN.test(method)) throw new UwsgiProtocolError(`uwsgi request: REQUEST_METHOD must be an HTTP method, got ${JSON.stringify(method.slice(0, 40))}`);
  let head = `${method} ${requestTarget(vars)} HTTP/1.0\r\n`;
  for (const [key, value] of vars) {
    if (!key.startsWith('HTTP_') || HOP_BY_HOP.has(key)) continue;
    const name = key.slice(5).toLowerCase().replace(/_/g, '-');
    if (!TOKEN.test(name)) continue;
    if (LINE_BREAK_OR_NUL.test(value)) throw new UwsgiProtocolError(`uwsgi request: header ${key} must not contain a line break`);
    head += `${name}: ${value}\r\n`;
  }
  const server = vars.get('SERVER_NAME');
  if (!vars.has('HTTP_HOST') && server && !LINE_BREAK_OR_NUL.test(server)) {
    const port = vars.get('SERVER_PORT') ?? '';
    head += `host: ${server}${/^\d+$/.test(port) ? `:${port}` : ''}\r\n`;
  }
  const type = vars.get('CONTENT_TYPE');
  if (type) {
    if (LINE_BREAK_OR_NUL.test(type)) throw new UwsgiProtocolError('uwsgi request: CONTENT_TYPE must not contain a line break');
    head += `content-type: ${type}\r\n`;
  }
  if (contentLength > 0 || vars.get('CONTENT_LENGTH') === '0') head += `content-length: ${contentLength}\r\n`;
  return Buffer.from(head + '\r\n', 'latin1');
}
