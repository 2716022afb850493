import { performance } from 'node:perf_hooks';
import { RawConnection, rawTarget } from './rawConnection.js';
import type { ParsedResponse } from './responseParser.js';
import type { LoadCounts, LoadGroup, LoadHandlers } from './types.js';

export interface OpenLoopOptions {
  /** Full URL of the request. */
  url: string;
  /** Requests per second, whatever the server does. */
  rate: number;
  timeoutS: number;
  /** Connections kept open at most; requests beyond wait in the client, and that wait counts. */
  maxSockets?: number;
}

/** When request `index` is due, in ms after the start: the schedule does not bend to the server. */
export function dueAt(index: number, rate: number): number {
  return (index * 1000) / rate;
}

/** How many requests are due `elapsedMs` after the start (request 0 is due at once). */
export function dueCount(elapsedMs: number, rate: number): number {
  return elapsedMs < 0 ? 0 : Math.floor((elapsedMs * rate) / 1000 + 1e-9) + 1;
}

/**
 * Coordinated omission: a client that waits for a slow response before sending the next one
 * sends fewer requests exactly while the server is slow, and each of them reports only its own
 * wait. The users who would have arrived meanwhile waited too. Counting from the moment a
 * request was DUE (not from when it could be sent) charges the server with that wait.
 */
export function openLoopLatency(due: number, sent: number, done: number): { latencyMs: number; serviceMs: number } {
  return { latencyMs: done - due, serviceMs: done - sent };
}

interface Due {
  index: number;
  /** performance.now() when the request was due. */
  due: number;
}

interface Connection {
  raw: RawConnection;
  request: (Due & { queued: number }) | null;
}

/**
 * Sends requests at a fixed rate, each on a free kept-alive connection (up to `maxSockets`,
 * opened as needed), on the bench's raw-socket connections (rawConnection.ts). autocannon's
 * `overallRate` records latency from the send with a 1 ms expected interval, which corrects
 * nothing. When the timer fires late, every overdue request is queued at once, each keeping its
 * own due time.
 */
export function startOpenLoop(options: OpenLoopOptions, handlers: LoadHandlers): LoadGroup {
  if (!(options.rate > 0)) throw new RangeError(`Expected the open-loop rate to be a positive number of requests per second, got ${options.rate}`);
  const target = rawTarget(options.url);
  const maxSockets = options.maxSockets ?? 64;
  const timeoutMs = options.timeoutS * 1000;
  const counts: LoadCounts = { completed: 0, failed: 0, cancelled: 0 };
  const connections = new Set<Connection>();
  const idle: Connection[] = [];
  // A queue with a moving head: Array.shift() is linear, and behind a saturated server the queue
  // holds tens of thousands of requests.
  const waiting: Due[] = [];
  let head = 0;
  let inFlight = 0;
  const start = performance.now();
  let issued = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let drained: (() => void) | undefined;

  const busy = () => head < waiting.length || inFlight > 0;
  const settled = () => {
    if (stopped && !busy()) drained?.();
  };

  const drop = (conn: Connection, reason: string | null) => {
    if (!connections.delete(conn)) return;
    const i = idle.indexOf(conn);
    if (i >= 0) idle.splice(i, 1);
    conn.raw.destroy();
    if (conn.request && reason !== null) {
      conn.request = null;
      inFlight--;
      counts.failed++;
      handlers.failure(reason);
    }
  };

  const open = (): Connection => {
    const conn: Connection = {
      raw: new RawConnection(target, {
        response: (res, sentAt) => {
          answer(conn, res, sentAt);
          dispatch();
        },
        lost: (loss) => {
          drop(conn, loss.message);
          dispatch();
        },
      }),
      request: null,
    };
    connections.add(conn);
    return conn;
  };

  const answer = (conn: Connection, res: ParsedResponse, sentAt: number) => {
    const req = conn.request;
    if (!req) return;
    conn.request = null;
    inFlight--;
    const { latencyMs, serviceMs } = openLoopLatency(req.due, sentAt, performance.now());
    counts.completed++;
    handlers.answer({ latencyMs, serviceMs, status: res.status, worker: res.worker });
    if (res.close) drop(conn, null);
    else idle.push(conn);
  };

  const dispatch = () => {
    while (head < waiting.length && (idle.length > 0 || connections.size < maxSockets)) {
      // Oldest idle first: the connections (and the workers holding them) take turns.
      const conn = idle.shift() ?? open();
      conn.request = { ...waiting[head++]!, queued: performance.now() };
      inFlight++;
      conn.raw.send();
    }
    if (head > 4096 && head * 2 > waiting.length) {
      waiting.splice(0, head);
      head = 0;
    }
    settled();
  };

  const pump = () => {
    if (stopped) return;
    const due = dueCount(performance.now() - start, options.rate);
    while (issued < due) {
      waiting.push({ index: issued, due: start + dueAt(issued, options.rate) });
      issued++;
    }
    dispatch();
    timer = setTimeout(pump, Math.max(0, dueAt(issued, options.rate) - (performance.now() - start)));
  };

  // A request without an answer after the timeout fails, and its connection goes with it.
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const conn of connections) if (conn.request && now - conn.request.queued > timeoutMs) drop(conn, `request timed out after ${options.timeoutS} s`);
    dispatch();
  }, 250);
  pump();

  let finish!: (c: LoadCounts) => void;
  const done = new Promise<LoadCounts>((resolve) => (finish = resolve));
  let stopping: Promise<LoadCounts> | undefined;
  return {
    done,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        // Late answers are the tail an open loop exists to measure: wait for them, up to the timeout.
        if (busy()) {
          await new Promise<void>((resolve) => {
            drained = resolve;
            setTimeout(resolve, timeoutMs).unref();
          });
        }
        clearInterval(sweep);
        counts.cancelled += waiting.length - head + inFlight;
        waiting.length = 0;
        head = 0;
        for (const conn of [...connections]) drop(conn, null);
        finish({ ...counts });
        return done;
      })();
      return stopping;
    },
  };
}
