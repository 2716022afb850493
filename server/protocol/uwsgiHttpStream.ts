/**
 * One uwsgi connection seen by node:http as an HTTP/1.0 connection: its readable side is the
 * request rewritten as HTTP (uwsgiHttpRequest.ts) followed by the body from the socket, its
 * writable side is the socket. node:http parses it into a real IncomingMessage and
 * ServerResponse, so express and plain handlers see method, url, headers and body as they would
 * over HTTP, and the response bytes go to nginx unchanged (the uwsgi answer is plain HTTP).
 */
import type net from 'node:net';
import { Duplex } from 'node:stream';
import type { UwsgiPeer } from './uwsgiHttpRequest.js';

export class UwsgiHttpStream extends Duplex {
  /** bytes of response written (node:http's `socket.bytesWritten`), for the worker's tx tally */
  bytesWritten = 0;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  /** what express reads for req.protocol / req.secure */
  readonly encrypted: boolean;
  /** the client's HTTP version, from SERVER_PROTOCOL */
  readonly httpVersion: string;
  private bodyLeft: number;

  /**
   * `head`: the request as HTTP; `rest`: body bytes that came with the uwsgi vars; then the
   * socket supplies the remaining `contentLength - rest.length` bytes. Nothing past the body is
   * read: nginx sends one request per connection.
   */
  constructor(
    private readonly socket: net.Socket,
    peer: UwsgiPeer,
    head: Buffer,
    rest: Buffer,
    contentLength: number,
  ) {
    super({ allowHalfOpen: false });
    this.remoteAddress = peer.remoteAddress;
    this.remotePort = peer.remotePort;
    this.encrypted = peer.encrypted;
    this.httpVersion = peer.httpVersion;
    this.bodyLeft = contentLength;
    this.push(head);
    this.pushBody(rest);
    socket.on('data', (chunk: Buffer) => this.pushBody(chunk));
    // A uwsgi client may shut down its sending side once the request is out, and still read
    // the answer: only the socket's close ends the connection (node:http then aborts the request).
    socket.allowHalfOpen = true;
    socket.on('close', () => this.destroy());
    socket.on('timeout', () => this.emit('timeout'));
  }

  private pushBody(chunk: Buffer): void {
    if (this.bodyLeft <= 0 || chunk.length === 0) return;
    const part = chunk.length > this.bodyLeft ? chunk.subarray(0, this.bodyLeft) : chunk;
    this.bodyLeft -= part.length;
    if (!this.push(part)) this.socket.pause();
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.bytesWritten += chunk.length;
    // Done once the socket has taken it: node:http then writes the next part (backpressure).
    if (this.socket.write(chunk)) done();
    else this.socket.once('drain', () => done());
  }

  override _final(done: (error?: Error | null) => void): void {
    this.socket.end();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.socket.destroy();
    done(error);
  }

  /** node:http sets its timeouts on the socket it serves; they apply to the uwsgi socket. */
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.socket.setTimeout(ms);
    if (onTimeout) this.once('timeout', onTimeout);
    return this;
  }
}
