/**
 * The uWSGI stats server (`stats = ADDR`). Plain mode: on connect, write one JSON document and
 * close, reading nothing. `stats-http`: read one request line, answer the document over
 * HTTP/1.0, or stream the pool's events for `GET /events`.
 *
 * It runs inside the master, so it never waits for a client: the document is built at most
 * once per burst of connections, every write is fire-and-forget, and a client that does not
 * read is cut off after a delay instead of being waited for.
 */
import type net from 'node:net';
import { listenOn, vacuumUnix } from '../master/accept/listeners.js';
import { log } from '../log.js';
import { type EventSource, followEvents } from './eventStream.js';

export interface StatsLimits {
  /** A connection still open this long after its answer was written is destroyed. */
  closeAfterMs: number;
  /** stats-http: a client that has not sent its request line by then is dropped. */
  requestTimeoutMs: number;
  /** stats-http: the longest request line read; past it the request is answered as it is. */
  maxRequestBytes: number;
  /** /events: a reader this many unsent bytes behind is disconnected. */
  maxEventBacklogBytes: number;
}

export const DEFAULT_STATS_LIMITS: StatsLimits = {
  closeAfterMs: 10_000,
  requestTimeoutMs: 5_000,
  maxRequestBytes: 8 * 1024,
  maxEventBacklogBytes: 1024 * 1024,
};

export interface StatsServerOptions {
  address: string;
  http: boolean;
  /** Permission bits of a UNIX socket. */
  mode: number;
  backlog: number;
  /** Remove the UNIX socket at close. */
  vacuum: boolean;
  /** The current document, rendered; called once per connection, so it should be cached. */
  document: () => Buffer;
  events: EventSource;
  limits?: Partial<StatsLimits>;
}

export interface StatsServer {
  /** The address as bound (`127.0.0.1:1717`, a path, `@name`). */
  bound: string;
  close(): Promise<void>;
}

const HTTP_HEAD = 'HTTP/1.0 200 OK\r\nConnection: close\r\nAccess-Control-Allow-Origin: *\r\nContent-Type: application/json\r\n';

export async function startStatsServer(options: StatsServerOptions): Promise<StatsServer> {
  const limits = { ...DEFAULT_STATS_LIMITS, ...options.limits };
  const open = new Set<net.Socket>();

  const answer = (socket: net.Socket, head: string | null): void => {
    let body: Buffer;
    try {
      body = options.document();
    } catch (e) {
      // A bug in the document must cost one reader its answer, not the master its life.
      log('error', `stats: could not build the document: ${(e as Error).stack ?? String(e)}`);
      socket.destroy();
      return;
    }
    socket.cork();
    if (head !== null) socket.write(`${head}Content-Length: ${body.length}\r\n\r\n`, 'latin1');
    socket.end(body);
    socket.uncork();
    closeLater(socket, limits.closeAfterMs);
  };

  const onConnection = (socket: net.Socket): void => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    if (!options.http) {
      // Whatever the client sends is read and dropped: closing a socket with unread input
      // makes the kernel reset the connection, and the client could lose the document.
      socket.resume();
      answer(socket, null);
      return;
    }
    readRequestLine(socket, limits, (line) => {
      if (/^GET \/events(?:[?# ]|$)/.test(line)) followEvents(socket, options.events, limits.maxEventBacklogBytes);
      else answer(socket, HTTP_HEAD);
    });
  };

  const { server, address, bound } = await listenOn({ proto: 'stats', address: options.address, mode: options.mode, backlog: options.backlog }, onConnection);
  log('info', `stats server on ${bound}${options.http ? ' (HTTP; GET /events streams pool events)' : ''}`);

  return {
    bound,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of open) socket.destroy();
      await closed;
      if (options.vacuum) vacuumUnix(address);
    },
  };
}

/**
 * Calls `then` with the request line (without CR LF) once it has come, or with what came
 * when the line is longer than the limit. Later input is read and dropped.
 */
function readRequestLine(socket: net.Socket, limits: StatsLimits, then: (line: string) => void): void {
  let got = '';
  const timer = setTimeout(() => socket.destroy(), limits.requestTimeoutMs);
  const onData = (chunk: Buffer): void => {
    got += chunk.toString('latin1');
    const eol = got.indexOf('\n');
    if (eol === -1 && got.length < limits.maxRequestBytes) return;
    socket.off('data', onData);
    clearTimeout(timer);
    then((eol === -1 ? got : got.slice(0, eol)).replace(/\r$/, ''));
  };
  socket.on('data', onData);
  socket.once('close', () => clearTimeout(timer));
  socket.resume();
}

function closeLater(socket: net.Socket, ms: number): void {
  const timer = setTimeout(() => socket.destroy(), ms);
  socket.once('close', () => clearTimeout(timer));
}
