import { createRequire } from 'node:module';

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
interface AutocannonClient {
  destroyed: boolean;
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
 * one is answered. Two fixes to autocannon's client, applied per client in setupClient:
 *
 * - autocannon writes the next request as soon as a response completes, even when the server
 *   said `Connection: close` (tidepool does while requests wait for a worker). It then reconnects
 *   and sends again, but keeps the first request in its queue of pending ones; from then on each
 *   response is matched with the request before it and latencies grow by one service time per
 *   reconnection (100 ms responses read 200, 300, 400... ms). A request written to a connection
 *   the server closes never reached the app, so on every reconnect the queue is emptied.
 * - stop() destroys clients with requests in flight and says nothing: they are counted as
 *   cancelled when their client is destroyed.
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
