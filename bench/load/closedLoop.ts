import { createRequire } from 'node:module';
import type net from 'node:net';

/** What one answered request tells the run core. */
export interface Answer {
  latencyMs: number;
  status: number;
  /** The X-Tidepool-Worker header, null when the server does not send it. */
  worker: string | null;
  /** Open loop: latency from the actual send (closed loop: equal to latencyMs). */
  serviceMs?: number;
}

export interface LoadHandlers {
  answer(a: Answer): void;
  failure(message: string): void;
}

export interface LoadCounts {
  completed: number;
  failed: number;
  /** In flight when the clients were stopped: never answered, not failures. */
  cancelled: number;
}

/** A group of clients started together and stopped together. */
export interface LoadGroup {
  /** Resolves when the group ends by itself (an `amount` reached) or after stop(). */
  readonly done: Promise<LoadCounts>;
  stop(): Promise<LoadCounts>;
}

export interface ClosedLoopOptions {
  /** Full URL of the request. */
  url: string;
  connections: number;
  /** Seconds before a request counts as timed out. */
  timeoutS: number;
  /** Total requests, spread over the connections (one each for a burst); unlimited if absent. */
  amount?: number;
}

// autocannon 8 ships no types: these are the parts of its objects the bench touches.
/** http-parser-js, the response parser each autocannon client keeps across its connections. */
interface ResponseParser {
  /** RESPONSE_LINE between responses, BODY_RAW inside a body that ends with the connection */
  state: string;
  type: string;
  finish(): Error | undefined;
  initialize(type: string): void;
}
interface AutocannonClient {
  destroyed: boolean;
  conn: net.Socket;
  parser: ResponseParser;
  pipelinedRequests: { size(): number; clear(): void };
  _connect(): void;
  destroy(): void;
  on(event: 'headers', fn: (info: { headers: string[] }) => void): void;
}
interface AutocannonInstance {
  on(event: 'response', fn: (client: AutocannonClient, status: number, bytes: number, ms: number) => void): void;
  on(event: 'reqError', fn: (err: Error) => void): void;
  stop(): void;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null) => void) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export const WORKER_HEADER = 'x-tidepool-worker';

/** How long autocannon takes to notice stop(): it checks once per sample interval. */
const SAMPLE_INTERVAL_MS = 100;

/**
 * Closed-loop clients on autocannon: each connection sends its next request when the previous
 * one is answered. Three fixes to autocannon's client, applied per client in setupClient:
 *
 * - autocannon writes the next request as soon as a response completes, even when the server
 *   said `Connection: close` (tidepool does while requests wait for a worker). It then reconnects
 *   and sends again, but keeps the first request in its queue of pending ones; from then on each
 *   response is matched with the request before it and latencies grow by one service time per
 *   reconnection (100 ms responses read 200, 300, 400... ms). A request written to a connection
 *   the server closes never reached the app, so on every reconnect the queue is emptied.
 * - stop() destroys clients with requests in flight and says nothing: they are counted as
 *   cancelled when their client is destroyed.
 * - A response without Content-Length or chunking ends with the connection (uWSGI's
 *   http-socket answers so for a WSGI app that sets no length). autocannon reconnects on the
 *   close without telling its parser, so such answers were never counted, and its parser,
 *   shared by the client's connections, stayed inside the old body. At the close the parser
 *   now completes that response, and starts clean for the next connection; a connection closed
 *   in the middle of a response is a failure, not a silent retry.
 */
export function startClosedLoop(options: ClosedLoopOptions, handlers: LoadHandlers): LoadGroup {
  const counts: LoadCounts = { completed: 0, failed: 0, cancelled: 0 };
  const workers = new Map<AutocannonClient, string | null>();
  let settle!: () => void;
  let fail!: (err: Error) => void;
  const finished = new Promise<void>((resolve, reject) => ((settle = resolve), (fail = reject)));

  const setupClient = (client: AutocannonClient) => {
    const connect = client._connect;
    client._connect = function (this: AutocannonClient) {
      this.pipelinedRequests.clear();
      connect.call(this);
      const conn = this.conn;
      // Before autocannon's own 'end' listener, which reconnects.
      conn.prependListener('end', () => {
        if (this.destroyed || this.conn !== conn) return;
        // The answer below makes autocannon write its next request to this ended connection;
        // that write fails and must not reconnect a second time (the reconnect re-sends it).
        conn.removeAllListeners('error');
        conn.on('error', () => {});
        const parser = this.parser;
        if (parser.state === 'BODY_RAW') parser.finish();
        else if (parser.state !== 'RESPONSE_LINE') {
          counts.failed++;
          handlers.failure(`the server closed the connection in the middle of a response (parser state ${parser.state})`);
        }
        parser.initialize(parser.type);
      });
    };
    const destroy = client.destroy;
    client.destroy = function (this: AutocannonClient) {
      if (!this.destroyed) counts.cancelled += this.pipelinedRequests.size();
      destroy.call(this);
    };
    client.on('headers', (info) => {
      let worker: string | null = null;
      for (let i = 0; i + 1 < info.headers.length; i += 2) if (info.headers[i]!.toLowerCase() === WORKER_HEADER) worker = info.headers[i + 1]!;
      workers.set(client, worker);
    });
  };

  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      timeout: options.timeoutS,
      sampleInt: SAMPLE_INTERVAL_MS,
      setupClient,
      ...(options.amount !== undefined ? { amount: options.amount } : { duration: 24 * 3600 }),
    },
    (err) => (err ? fail(err) : settle()),
  );
  instance.on('response', (client, status, _bytes, ms) => {
    counts.completed++;
    handlers.answer({ latencyMs: ms, status, worker: workers.get(client) ?? null });
  });
  instance.on('reqError', (err) => {
    counts.failed++;
    handlers.failure(err.message);
  });

  const done = finished.then(() => ({ ...counts }));
  return {
    done,
    stop() {
      instance.stop();
      return done;
    },
  };
}
