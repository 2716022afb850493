/**
 * The typed messages between the master and its workers over Node's IPC channel.
 * Kept tiny: where the master accepts, a worker reports busy/idle only when its in-flight count
 * crosses zero, so a saturated worker sends few messages; where workers accept (accept = workers),
 * a worker reports a tally on a timer, so the master's cost does not grow with the request rate.
 */

import type { ExitReason } from '../../core/stats/schema.js';

/** Why a worker asks to be recycled (the master's exit reason for it). */
export type RecycleReason = Extract<ExitReason, 'max-requests' | 'rss' | 'max-lifetime'>;

/** What a worker reports about the requests it finished during one busy period. */
export interface RequestTally {
  /** requests completed */
  n: number;
  /** bytes written (response bytes) */
  tx: number;
  /** microseconds spent in those requests */
  rtUs: number;
  /** uWSGI's running average, microseconds, after those requests */
  avgRtUs: number;
  /** requests that ended in an application error (5xx) */
  exc: number;
  /** request counts per duration bucket: hist[i] counts durations <= DURATION_BUCKETS_S[i]; the last entry counts the rest */
  hist: number[];
  /** batches predicted (dynamic batching) and the texts in them, since the last report */
  batches: number;
  batchedTexts: number;
}

/** Bucket bounds (seconds) of the request-duration histogram, shared by workers, master and /metrics. */
export const DURATION_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

export function bucketIndex(seconds: number): number {
  for (let i = 0; i < DURATION_BUCKETS_S.length; i++) if (seconds <= DURATION_BUCKETS_S[i]!) return i;
  return DURATION_BUCKETS_S.length;
}

export function emptyHistogram(): number[] {
  return new Array<number>(DURATION_BUCKETS_S.length + 1).fill(0);
}

export type WorkerMessage =
  /** `model` describes what was loaded, in one line (models' describeModel); `shape` its classes and words */
  | { t: 'ready'; loadMs: number; backend: string; backendDetail: string; model: string; shape: ModelShape | null }
  | { t: 'load-failed'; error: string }
  /** in-flight went 0 -> 1; `at` epoch ms of the request start, for harakiri */
  | { t: 'busy'; at: number; method: string; path: string; got: number }
  /** a request started while already busy (pipelined or queued behind another) */
  | { t: 'next'; at: number; method: string; path: string }
  /** in-flight went to 0; `got` echoes how many connections the worker had received */
  | ({ t: 'idle'; got: number; open: number } & RequestTally)
  /**
   * accept = workers: the worker's state and what it served since the last tally, on a timer
   * (TALLY_EVERY_MS, and at least every HEARTBEAT_MS) instead of a message per busy period.
   * `req` is the latest request still running (harakiri), null when none runs.
   */
  | ({
      t: 'tally';
      got: number;
      open: number;
      inFlight: number;
      /** connections accepted whose first request has not started (the worker's share of the queue) */
      waiting: number;
      req: { at: number; method: string; path: string } | null;
    } & RequestTally)
  /** accept = workers: a connection follows, accepted and not read, for the master's queue (no room here, and a worker is idle) */
  | { t: 'spilled'; proto: Protocol }
  /** accept = workers: a listening socket handle follows, for the master to keep (it never accepts on it) */
  | { t: 'keeper'; index: number }
  /** a request for one of the master's own routes (/healthz, /readyz, /metrics) reached the worker */
  | { t: 'admin'; id: number; req: AdminRequest }
  /** the worker asks to be recycled (max-requests, reload-on-rss, lifetime) */
  | { t: 'recycle'; reason: RecycleReason; detail: string };

/** A request for the master's own routes, as a worker forwards it (the body, base64). */
export interface AdminRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | undefined>;
  body: string;
}

/** accept = workers: how often a worker reports its tally while something changed, and at least how often it speaks. */
export const TALLY_EVERY_MS = 100;
export const HEARTBEAT_MS = 1000;

export type Protocol = 'http' | 'uwsgi';

/** A model file's classes and bag-of-words width, as the worker that loaded it saw them (0: not a classifier, not text). */
export interface ModelShape {
  classes: number;
  numWords: number;
}

export type MasterMessage =
  /** a connection handle follows; `head` is what the master already read from it (base64) */
  | { t: 'conn'; proto: Protocol; head: string }
  /** requests are (or are no longer) waiting for a worker: keep-alive answers close while true */
  | { t: 'queue'; waiting: boolean }
  /**
   * accept = workers: the handle of app listener `index` follows; accept on it directly.
   * `keep`: send a copy back (a `keeper`), so that the master holds the socket without accepting.
   */
  | { t: 'listen'; index: number; proto: Protocol; backlog: number; keep: boolean }
  /** accept = workers: whether some worker is idle (a worker without room passes new connections to the master's queue while one is) */
  | { t: 'peers'; idle: boolean }
  /**
   * accept = workers: this worker holds more kept-alive connections than its share while another
   * is idle: answer the next `count` responses with `Connection: close`, so that those clients
   * reconnect and the idle worker can accept them.
   */
  | { t: 'shed'; count: number }
  /** accept = workers, graceful shutdown: take no new connection (the master takes what the kernel holds) */
  | { t: 'unlisten' }
  /** the master's answer to an `admin` request */
  | { t: 'admin-answer'; id: number; status: number; headers: Record<string, string>; body: string }
  /** finish what you hold, take nothing new, exit */
  | { t: 'stop'; reason: string };

export function isWorkerMessage(m: unknown): m is WorkerMessage {
  return typeof m === 'object' && m !== null && typeof (m as { t?: unknown }).t === 'string';
}
