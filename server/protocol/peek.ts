/**
 * What the master needs to know from the first bytes of a connection: enough to route it
 * (the path), without parsing the whole request. Pure.
 */
import { parseUwsgiPacket, uwsgiHeadLength } from './uwsgi.js';
import type { Protocol } from '../ipc/messages.js';

/** `more`: wait for more bytes; `route`: the request's method and path are known. */
export type Peek = { kind: 'more' } | { kind: 'route'; method: string; path: string } | { kind: 'opaque' };

/** A connection that sends nothing this long after it arrived is dropped (the master's readHead; a draining worker). */
export const FIRST_BYTES_TIMEOUT_MS = 10000;

/** Past this many bytes without a request line, stop looking and let a worker's parser answer. */
export const PEEK_LIMIT = 8192;

export function peekRequest(proto: Protocol, buf: Buffer): Peek {
  if (proto === 'http') {
    const eol = buf.indexOf('\r\n');
    if (eol === -1) return buf.length >= PEEK_LIMIT ? { kind: 'opaque' } : { kind: 'more' };
    const line = buf.toString('latin1', 0, eol);
    const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(line);
    if (!m) return { kind: 'opaque' };
    const target = m[2]!;
    const q = target.indexOf('?');
    return { kind: 'route', method: m[1]!, path: q === -1 ? target : target.slice(0, q) };
  }
  const len = uwsgiHeadLength(buf);
  if (len === null || buf.length < len) return { kind: 'more' };
  try {
    const { vars } = parseUwsgiPacket(buf);
    const path = vars.get('PATH_INFO') ?? (vars.get('REQUEST_URI') ?? '/').split('?')[0]!;
    return { kind: 'route', method: vars.get('REQUEST_METHOD') ?? 'GET', path };
  } catch {
    return { kind: 'opaque' };
  }
}
