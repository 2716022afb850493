import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { ResponseParser, type ParsedResponse } from './responseParser.js';

/** Where the requests go and their bytes, built once: the senders write the same GET every time. */
export interface RawTarget {
  host: string;
  port: number;
  request: Buffer;
}

/**
 * One GET of `url` as raw bytes. `oneShot` asks the server to close after answering
 * (`Connection: close`, as curl-style clients and nginx without keepalive do): every request
 * then pays for a new connection.
 */
export function rawTarget(url: string, options: { oneShot?: boolean } = {}): RawTarget {
  const u = new URL(url);
  if (u.protocol !== 'http:') throw new RangeError(`Expected an http:// URL to load, got ${JSON.stringify(url)}`);
  const close = options.oneShot ? 'Connection: close\r\n' : '';
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port || 80),
    request: Buffer.from(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUser-Agent: tidepool-bench\r\n${close}\r\n`, 'latin1'),
  };
}

/** Why a connection is gone. */
export interface Loss {
  message: string;
  /** Part of a response had arrived: resending could not be told apart from a duplicate. */
  midResponse: boolean;
}

export interface ConnectionHandlers {
  /** A response completed; `sentAt` is the performance.now() its request was written at. */
  response(res: ParsedResponse, sentAt: number): void;
  /** The connection ended without destroy(): an error, garbage, or the server closed it. */
  lost(loss: Loss): void;
}

/**
 * A kept-alive HTTP/1.1 connection carrying one request at a time (no pipelining), on a raw
 * socket with the bench's own response parser: node:http's client costs so much CPU per request
 * that on 2 cores the client became what it measured. A response that ends with the connection
 * (no Content-Length, no chunking: uWSGI's http-socket answers so) is completed at the close.
 */
export class RawConnection {
  /** Responses completed on this connection. */
  answered = 0;
  /** A request is written and its response not complete. */
  inFlight = false;
  private sentAt = 0;
  private readonly socket: net.Socket;
  private readonly parser = new ResponseParser();
  private gone = false;

  constructor(
    private readonly target: RawTarget,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.socket = net.connect({ host: target.host, port: target.port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => this.lose({ message: err.message, midResponse: this.parser.midResponse }));
    this.socket.on('close', () => this.onClose());
  }

  /** Writes the request; latency counts from the write, or from the connect for a new connection (as wrk counts). */
  send(): void {
    this.inFlight = true;
    this.socket.write(this.target.request);
    if (!this.socket.connecting) this.sentAt = performance.now();
    else this.socket.once('connect', () => (this.sentAt = performance.now()));
  }

  /** Closes the connection from this side; no handler is called any more. */
  destroy(): void {
    this.gone = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let responses: ParsedResponse[];
    try {
      responses = this.parser.push(chunk);
    } catch (err) {
      this.lose({ message: `bad response: ${(err as Error).message}`, midResponse: true });
      return;
    }
    for (const res of responses) {
      if (this.gone) return;
      this.deliver(res);
    }
  }

  private onClose(): void {
    if (this.gone) return;
    const last = this.parser.end();
    if (last) this.deliver(last);
    if (this.gone) return;
    const midResponse = this.parser.midResponse;
    const message = midResponse ? 'the server closed the connection in the middle of a response' : 'the server closed the connection before answering';
    this.lose({ message, midResponse });
  }

  private deliver(res: ParsedResponse): void {
    if (!this.inFlight) {
      this.lose({ message: `the server sent a response (status ${res.status}) to no request`, midResponse: true });
      return;
    }
    this.answered++;
    this.inFlight = false;
    this.handlers.response(res, this.sentAt);
  }

  private lose(loss: Loss): void {
    if (this.gone) return;
    this.gone = true;
    this.socket.destroy();
    this.handlers.lost(loss);
  }
}
