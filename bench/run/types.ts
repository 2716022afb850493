import type { PoolEventKind, PoolEventType } from '../../core/stats/schema.js';
import type { WorkerCounts } from '../../core/stats/counts.js';
import type { LatencyStats } from '../analysis/percentiles.js';

/**
 * What the harness offers the server during one phase of a run.
 * - closed: `connections` clients, each sending its next request when the previous is answered
 *   (load/closedLoop.ts); the server's speed sets the rate. `oneShot`: `Connection: close` on
 *   every request, so each one comes on a new connection.
 * - open: requests at a fixed `rate` whatever the server does; latency counts from the moment
 *   each request was due (coordinated omission corrected).
 * - burst: `requests` one-shot GETs at once, each on its own connection; the phase lasts until
 *   every one is answered.
 * - quiet: no load, the pool is watched (scale-down).
 */
export type Phase =
  | { kind: 'closed'; label: string; connections: number; durationMs: number; oneShot?: boolean }
  | { kind: 'open'; label: string; rate: number; durationMs: number }
  | { kind: 'burst'; label: string; requests: number }
  | { kind: 'quiet'; label: string; durationMs: number };

/** Times in a run are milliseconds since the run started (`RunResult.startedAt`). */
export interface ResponseRecord {
  /** When the response completed. */
  at: number;
  /** Closed loop: from writing the request. Open loop: from when it was due. */
  latencyMs: number;
  /** Open loop only: from the actual send, the figure a closed-loop tool would report. */
  serviceMs?: number;
  status: number;
  /** The X-Tidepool-Worker header: the slot that answered (null for servers without it). */
  worker: string | null;
  phase: number;
}

export interface RequestFailure {
  at: number;
  phase: number;
  message: string;
}

/** One read of the stats socket: the worker counts of core/stats/schema.ts, and more. */
export interface StatsSample extends Pick<WorkerCounts, 'slots' | 'running' | 'ready' | 'busy' | 'idle' | 'cheap'> {
  at: number;
  /** Requests waiting for a worker (tidepool's exact queue, or uWSGI's listen_queue). */
  queue: number;
  /** Requests served by all workers since the server started. */
  requests: number;
}

/** A change of the pool: told by the server (tidepool.events) or derived from two samples (uWSGI). */
export interface ScalingEvent {
  at: number;
  type: PoolEventType;
  /** The server's kind of the event (a spawn's `scale-up` or `respawn`...); derived events have none. */
  kind?: PoolEventKind;
  worker?: number;
  pid?: number;
  reason: string;
  source: 'server' | 'derived';
}

/** The load of one second of a run, for the live display and the timeline. */
export interface SecondSample {
  /** The second [t, t+1) since the run started. */
  t: number;
  /** The phase running at the start of the second. */
  phase: number;
  /** Responses completed in the second (so: requests per second). */
  requests: number;
  /** Responses with a status other than 2xx. */
  non2xx: number;
  /** Requests that failed without a response (connection errors, timeouts). */
  errors: number;
  latency: LatencyStats | null;
  /** The pool at the end of the second (last stats sample so far); null without stats. */
  workers: { running: number; ready: number; busy: number; slots: number } | null;
  /** The longest queue seen during the second; null without stats. */
  queue: number | null;
  spawns: number;
  cheaps: number;
}

export interface PhaseRecord {
  phase: Phase;
  startAt: number;
  endAt: number;
  /** Requests put on the wire (closed loop: minus those written to a connection the server was closing). */
  sent: number;
  /** Requests still unanswered when the phase's clients left (not failures: nobody waits for them). */
  cancelled: number;
}

export interface RunResult {
  name: string;
  /** Epoch milliseconds. */
  startedAt: number;
  durationMs: number;
  phases: PhaseRecord[];
  responses: ResponseRecord[];
  failures: RequestFailure[];
  samples: StatsSample[];
  events: ScalingEvent[];
  seconds: SecondSample[];
  /** Where pool facts came from: the server's own events, diffs of uWSGI documents, or nowhere. */
  statsSource: 'tidepool' | 'uwsgi' | 'none';
  /** Stats reads that failed, with how often ("x3"). */
  statsErrors: string[];
  /** Stopped early by Ctrl-C. */
  aborted: boolean;
}

export interface RunEvents {
  start: [{ name: string; startedAt: number; phases: Phase[] }];
  phase: [{ index: number; phase: Phase; at: number }];
  response: [ResponseRecord];
  failure: [RequestFailure];
  stats: [StatsSample];
  scaling: [ScalingEvent];
  tick: [SecondSample];
  done: [RunResult];
}
