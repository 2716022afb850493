/**
 * The typed messages between the master and its workers over Node's IPC channel.
 * Kept tiny and transition-based: a worker reports busy/idle only when its in-flight count
 * crosses zero, so a saturated worker sends few messages.
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
  /** `model` describes what was loaded, in one line (models' describeModel) */
  | { t: 'ready'; loadMs: number; backend: string; backendDetail: string; model: string }
  | { t: 'load-failed'; error: string }
  /** in-flight went 0 -> 1; `at` epoch ms of the request start, for harakiri */
  | { t: 'busy'; at: number; method: string; path: string; got: number }
  /** a request started while already busy (pipelined or queued behind another) */
  | { t: 'next'; at: number; method: string; path: string }
  /** in-flight went to 0; `got` echoes how many connections the worker had received */
  | ({ t: 'idle'; got: number; open: number } & RequestTally)
  /** the worker asks to be recycled (max-requests, reload-on-rss, lifetime) */
  | { t: 'recycle'; reason: RecycleReason; detail: string };

export type Protocol = 'http' | 'uwsgi';

export type MasterMessage =
  /** a connection handle follows; `head` is what the master already read from it (base64) */
  | { t: 'conn'; proto: Protocol; head: string }
  /** requests are (or are no longer) waiting for a worker: keep-alive answers close while true */
  | { t: 'queue'; waiting: boolean }
  /** finish what you hold, take nothing new, exit */
  | { t: 'stop'; reason: string };

export function isWorkerMessage(m: unknown): m is WorkerMessage {
  return typeof m === 'object' && m !== null && typeof (m as { t?: unknown }).t === 'string';
}
