import { performance } from 'node:perf_hooks';
import { RawConnection, rawTarget, type Loss } from './rawConnection.js';
import type { ParsedResponse } from './responseParser.js';
import type { LoadCounts, LoadGroup, LoadHandlers } from './types.js';

export interface ClosedLoopOptions {
  /** Full URL of the request. */
  url: string;
  connections: number;
  /** Seconds before a request counts as timed out. */
  timeoutS: number;
  /** Total requests, spread over the connections (one each for a burst); unlimited if absent. */
  amount?: number;
  /** `Connection: close` on every request: a new connection for each one. */
  oneShot?: boolean;
}

/** After a failure a client waits this long, so that a server refusing connections is not hammered in a tight loop. */
const FAILURE_PAUSE_MS = 50;

interface Client {
  conn: RawConnection | null;
  /** performance.now() when the current request was first written; the timeout counts from it. */
  since: number;
  /** The current request was already resent once on a fresh connection. */
  resent: boolean;
  pause: NodeJS.Timeout | null;
}

/**
 * Closed-loop clients on raw sockets: each of `connections` clients sends its next request when
 * the previous one is answered, on its kept-alive connection while the server keeps it open.
 *
 * - A response that says `Connection: close` (tidepool does while requests wait for a worker)
 *   ends that connection: the next request goes on a new one, so every answer is matched with
 *   its own request and latencies stay one service time (autocannon 8 kept the request it had
 *   written to the closing connection and matched every later answer with the one before).
 * - A response that ends with the connection (uWSGI's http-socket with no Content-Length) is
 *   complete at the close; a close in the middle of a response is a failure.
 * - A kept-alive connection that the server closes before any byte of the answer is the race
 *   HTTP allows clients to retry an idempotent request on: the request is sent once more, on a
 *   new connection; if that one fails too, it is a failure.
 * - stop() closes every connection; requests in flight then are cancelled, not failed.
 */
export function startClosedLoop(options: ClosedLoopOptions, handlers: LoadHandlers): LoadGroup {
  const target = rawTarget(options.url, { oneShot: options.oneShot ?? false });
  const timeoutMs = options.timeoutS * 1000;
  const counts: LoadCounts = { completed: 0, failed: 0, cancelled: 0 };
  let unsent = options.amount ?? Infinity;
  let stopped = false;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const busy = (c: Client) => c.conn?.inFlight === true || c.pause !== null;
  const settle = () => {
    if (!stopped && unsent === 0 && !clients.some(busy)) end();
  };

  const open = (client: Client): RawConnection => {
    const conn: RawConnection = new RawConnection(target, {
      response: (res, sentAt) => answered(client, conn, res, sentAt),
      lost: (loss) => lost(client, conn, loss),
    });
    return conn;
  };

  const next = (client: Client) => {
    if (stopped || unsent === 0) return settle();
    unsent--;
    client.since = performance.now();
    client.resent = false;
    client.conn ??= open(client);
    client.conn.send();
  };

  const answered = (client: Client, conn: RawConnection, res: ParsedResponse, sentAt: number) => {
    counts.completed++;
    handlers.answer({ latencyMs: performance.now() - sentAt, status: res.status, worker: res.worker });
    if (res.close || options.oneShot) drop(client, conn);
    next(client);
  };

  const lost = (client: Client, conn: RawConnection, loss: Loss) => {
    if (client.conn === conn) client.conn = null;
    if (!conn.inFlight || stopped) return;
    if (!loss.midResponse && conn.answered > 0 && !client.resent) {
      client.resent = true;
      client.conn = open(client);
      client.conn.send();
      return;
    }
    fail(client, loss.message);
  };

  const fail = (client: Client, message: string) => {
    counts.failed++;
    handlers.failure(message);
    client.pause = setTimeout(() => {
      client.pause = null;
      next(client);
    }, FAILURE_PAUSE_MS);
  };

  const drop = (client: Client, conn: RawConnection) => {
    conn.destroy();
    if (client.conn === conn) client.conn = null;
  };

  const clients: Client[] = Array.from({ length: options.connections }, () => ({ conn: null, since: 0, resent: false, pause: null }));
  const sweep = setInterval(
    () => {
      const now = performance.now();
      for (const client of clients) {
        const conn = client.conn;
        if (!conn?.inFlight || now - client.since <= timeoutMs) continue;
        drop(client, conn);
        fail(client, `request timed out after ${options.timeoutS} s`);
      }
    },
    Math.min(250, Math.max(10, timeoutMs / 4)),
  );

  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    stopped = true;
    clearInterval(sweep);
    for (const client of clients) {
      if (client.conn?.inFlight) counts.cancelled++;
      if (client.conn) drop(client, client.conn);
      if (client.pause) clearTimeout(client.pause);
      client.pause = null;
    }
    finish();
  };

  for (const client of clients) next(client);
  const done = finished.then(() => ({ ...counts }));
  return {
    done,
    stop() {
      end();
      return done;
    },
  };
}
