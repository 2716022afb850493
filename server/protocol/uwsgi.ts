/**
 * The uwsgi binary protocol (what nginx's `uwsgi_pass` speaks): a 4-byte header
 * (modifier1: u8, datasize: u16 little-endian, modifier2: u8), then `datasize` bytes of
 * CGI-style variables as (u16 LE key length, key, u16 LE value length, value) pairs,
 * then the request body (CONTENT_LENGTH bytes). The answer is a plain HTTP response.
 */

export const UWSGI_HEADER_SIZE = 4;

export class UwsgiProtocolError extends Error {}

export interface UwsgiPacket {
  modifier1: number;
  modifier2: number;
  vars: Map<string, string>;
  /** bytes of header + vars: the body starts here */
  headerLength: number;
}

/** How many bytes the header + vars take, or null while fewer than 4 bytes have come. */
export function uwsgiHeadLength(buf: Buffer): number | null {
  if (buf.length < UWSGI_HEADER_SIZE) return null;
  return UWSGI_HEADER_SIZE + buf.readUInt16LE(1);
}

/** Parse header and vars from a buffer that holds at least uwsgiHeadLength(buf) bytes. */
export function parseUwsgiPacket(buf: Buffer): UwsgiPacket {
  const total = uwsgiHeadLength(buf);
  if (total === null || buf.length < total) throw new UwsgiProtocolError('uwsgi packet: incomplete header');
  const modifier1 = buf[0]!;
  const modifier2 = buf[3]!;
  if (modifier1 !== 0) {
    throw new UwsgiProtocolError(`uwsgi packet: expected modifier1 0 (a WSGI/HTTP request), got ${modifier1}`);
  }
  const vars = new Map<string, string>();
  let off = UWSGI_HEADER_SIZE;
  while (off < total) {
    if (off + 2 > total) throw new UwsgiProtocolError(`uwsgi packet: truncated key length at byte ${off}`);
    const kl = buf.readUInt16LE(off);
    off += 2;
    if (off + kl + 2 > total) throw new UwsgiProtocolError(`uwsgi packet: key of ${kl} bytes overruns the vars block at byte ${off}`);
    const key = buf.toString('latin1', off, off + kl);
    off += kl;
    const vl = buf.readUInt16LE(off);
    off += 2;
    if (off + vl > total) throw new UwsgiProtocolError(`uwsgi packet: value of ${key} (${vl} bytes) overruns the vars block`);
    // Keep the raw bytes (latin1) so a query string is percent-decoded exactly once, later.
    vars.set(key, buf.toString('latin1', off, off + vl));
    off += vl;
  }
  return { modifier1, modifier2, vars, headerLength: total };
}

/** Encode a request packet (used by tests and the bench's uwsgi client). */
export function encodeUwsgiPacket(vars: Record<string, string>, body: Buffer = Buffer.alloc(0)): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(vars)) {
    const kb = Buffer.from(k, 'latin1');
    const vb = Buffer.from(v, 'latin1');
    const kl = Buffer.alloc(2);
    kl.writeUInt16LE(kb.length);
    const vl = Buffer.alloc(2);
    vl.writeUInt16LE(vb.length);
    parts.push(kl, kb, vl, vb);
  }
  const payload = Buffer.concat(parts);
  if (payload.length > 0xffff) throw new UwsgiProtocolError(`uwsgi packet: vars block of ${payload.length} bytes exceeds 65535`);
  const header = Buffer.alloc(UWSGI_HEADER_SIZE);
  header.writeUInt8(0, 0);
  header.writeUInt16LE(payload.length, 1);
  header.writeUInt8(0, 3);
  return Buffer.concat([header, payload, body]);
}
