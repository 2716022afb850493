/**
 * The few facts the bench needs from HTTP/1.1 responses on a kept-alive connection, read
 * incrementally: status, where each response ends (Content-Length, chunked, or the close),
 * whether the server closes after it, and the X-Tidepool-Worker header. Bodies are skipped.
 */
export interface ParsedResponse {
  status: number;
  worker: string | null;
  /** The server said `Connection: close` (or spoke HTTP/1.0 without keep-alive). */
  close: boolean;
}

type State =
  | { kind: 'head' }
  | { kind: 'body'; remaining: number }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; remaining: number }
  | { kind: 'trailer' }
  | { kind: 'until-close' };

const MAX_HEAD = 64 * 1024;

export class ResponseParseError extends Error {
  override name = 'ResponseParseError';
}

export class ResponseParser {
  private buffer: Buffer = Buffer.alloc(0);
  private state: State = { kind: 'head' };
  private current: ParsedResponse | null = null;

  /** Feeds bytes; returns the responses they completed. Throws ResponseParseError on garbage. */
  push(chunk: Buffer): ParsedResponse[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const done: ParsedResponse[] = [];
    for (;;) {
      const s = this.state;
      if (s.kind === 'head') {
        const end = this.buffer.indexOf('\r\n\r\n');
        if (end < 0) {
          if (this.buffer.length > MAX_HEAD) throw new ResponseParseError(`no end of headers within ${MAX_HEAD} bytes`);
          return done;
        }
        const head = this.buffer.subarray(0, end).toString('latin1');
        this.buffer = this.buffer.subarray(end + 4);
        this.startBody(head);
      } else if (s.kind === 'body' || s.kind === 'chunk-data') {
        const take = Math.min(s.remaining, this.buffer.length);
        this.buffer = this.buffer.subarray(take);
        s.remaining -= take;
        if (s.remaining > 0) return done;
        if (s.kind === 'body') done.push(this.finish());
        else {
          // A chunk's data is followed by CRLF, counted in `remaining` when it was read.
          this.state = { kind: 'chunk-size' };
        }
      } else if (s.kind === 'chunk-size') {
        const eol = this.buffer.indexOf('\r\n');
        if (eol < 0) return done;
        const size = parseInt(this.buffer.subarray(0, eol).toString('latin1').split(';')[0]!.trim(), 16);
        if (!Number.isFinite(size) || size < 0)
          throw new ResponseParseError(`bad chunk size ${JSON.stringify(this.buffer.subarray(0, eol).toString('latin1'))}`);
        this.buffer = this.buffer.subarray(eol + 2);
        this.state = size === 0 ? { kind: 'trailer' } : { kind: 'chunk-data', remaining: size + 2 };
      } else if (s.kind === 'trailer') {
        const eol = this.buffer.indexOf('\r\n');
        if (eol < 0) return done;
        this.buffer = this.buffer.subarray(eol + 2);
        if (eol === 0) done.push(this.finish());
      } else {
        this.buffer = Buffer.alloc(0);
        return done;
      }
    }
  }

  /** The connection ended: completes a response delimited by the close, if one was being read. */
  end(): ParsedResponse | null {
    return this.state.kind === 'until-close' ? this.finish() : null;
  }

  /** Bytes of a response have been read (a close now loses it). */
  get midResponse(): boolean {
    return this.state.kind !== 'head' || this.buffer.length > 0;
  }

  private startBody(head: string): void {
    const [statusLine, ...lines] = head.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})/.exec(statusLine ?? '');
    if (!m) throw new ResponseParseError(`not an HTTP/1.x status line: ${JSON.stringify((statusLine ?? '').slice(0, 80))}`);
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const connection = (headers.get('connection') ?? '').toLowerCase();
    const close = connection.includes('close') || (m[1] === '0' && !connection.includes('keep-alive'));
    const status = Number(m[2]);
    this.current = { status, worker: headers.get('x-tidepool-worker') ?? null, close };
    const length = headers.get('content-length');
    if (status === 204 || status === 304 || (status >= 100 && status < 200)) this.state = { kind: 'body', remaining: 0 };
    else if ((headers.get('transfer-encoding') ?? '').toLowerCase().includes('chunked')) this.state = { kind: 'chunk-size' };
    else if (length !== undefined) {
      const n = Number(length);
      if (!Number.isSafeInteger(n) || n < 0) throw new ResponseParseError(`bad Content-Length ${JSON.stringify(length)}`);
      this.state = { kind: 'body', remaining: n };
    } else {
      this.current.close = true;
      this.state = { kind: 'until-close' };
    }
  }

  private finish(): ParsedResponse {
    const response = this.current!;
    this.current = null;
    this.state = { kind: 'head' };
    return response;
  }
}
