import type { ChildProcess } from 'node:child_process';
import type { ExitReason } from '../../core/stats/schema.js';
import { emptyHistogram, type RecycleReason } from '../ipc/messages.js';

/**
 * One worker slot (uWSGI's word): a numbered place in the pool that holds at most one worker
 * process at a time. Counters that uWSGI keeps across respawns live here, not on the process.
 */
export interface Slot {
  id: number;
  child: ChildProcess | null;
  pid: number;
  /** empty: no process (cheap); loading: model loading; ready: capacity; stopping: draining */
  state: 'empty' | 'loading' | 'ready' | 'stopping';
  /** why the current process was asked to stop; null while it is not */
  stopReason: ExitReason | null;
  stopDetail: string;
  /** the slot is empty on purpose (the scaler cheaped it): do not respawn */
  cheap: boolean;
  spawnReason: string;
  /** a spawn decided but waiting for its turn to load (see spawn-concurrency); state is 'loading', child null */
  pendingSpawn: string | null;
  spawnedAt: number;
  readyAt: number;
  loadMs: number | null;
  // dispatch
  handed: number;
  acked: number;
  inRequest: boolean;
  open: number;
  request: { at: number; method: string; path: string } | null;
  // uWSGI counters (kept across respawns except delta_requests)
  requests: number;
  deltaRequests: number;
  exceptions: number;
  harakiriCount: number;
  tx: number;
  runningTimeUs: number;
  avgRtUs: number;
  /** request-duration histogram across the slot's lives (see DURATION_BUCKETS_S) */
  hist: number[];
  /** dynamic batching: batches predicted and the texts in them (see batch-max-size) */
  batches: number;
  batchedTexts: number;
  respawnCount: number;
  rss: number;
  vsz: number;
  lastExit: { at: number; reason: ExitReason; detail: string } | null;
  /** consecutive deaths soon after spawn: drives the respawn backoff */
  fastDeaths: number;
  respawnTimer: NodeJS.Timeout | null;
  killTimer: NodeJS.Timeout | null;
  /** this slot's worker was spawned to replace a recycling one, which leaves once this one is ready */
  replaces: Replacement | null;
}

export interface Replacement {
  /** the recycling worker's slot and pid (the pid guards against a slot that moved on) */
  id: number;
  pid: number;
  reason: RecycleReason;
  detail: string;
}

export function emptySlot(id: number): Slot {
  return {
    id, child: null, pid: 0, state: 'empty', stopReason: null, stopDetail: '', cheap: true, spawnReason: '', pendingSpawn: null,
    spawnedAt: 0, readyAt: 0, loadMs: null, handed: 0, acked: 0, inRequest: false, open: 0, request: null,
    requests: 0, deltaRequests: 0, exceptions: 0, harakiriCount: 0, tx: 0, runningTimeUs: 0, avgRtUs: 0, hist: emptyHistogram(), batches: 0, batchedTexts: 0,
    respawnCount: 0, rss: 0, vsz: 0, lastExit: null, fastDeaths: 0, respawnTimer: null, killTimer: null, replaces: null,
  };
}

export function isRunning(s: Slot): boolean {
  return s.state !== 'empty';
}

/**
 * Where a recycling worker's replacement can start while it still serves: the lowest slot that
 * is empty on purpose (cheap), not one waiting for a respawn. None when the pool is at its maximum.
 */
export function freeSlot(slots: readonly Slot[]): Slot | undefined {
  return slots.find((s) => s.state === 'empty' && s.cheap && s.respawnTimer === null);
}

/** A request is in progress, or a connection was handed over and not yet acknowledged. */
export function isBusy(s: Slot): boolean {
  return s.inRequest || s.handed > s.acked;
}

/** Connections handed over and not yet acknowledged, plus the request in progress. */
export function load(s: Slot): number {
  return s.handed - s.acked + (s.inRequest ? 1 : 0);
}

/** Requests at most this long (µs, the worker's average) are worth batching; longer ones spread. */
export const BATCHABLE_RT_US = 5000;

/**
 * Can take a new connection now. An idle worker always can. When workers batch (capacity > 1),
 * a busy one can too, up to its capacity, but only while its requests are short (its average,
 * and the one running now): then the new request joins the next batch within microseconds. A
 * worker with long or unknown requests never takes a second one, so long requests spread over
 * idle workers, and wait in the master's queue (which drives scaling) rather than behind one.
 */
export function isAvailable(s: Slot, capacity = 1, now = Date.now()): boolean {
  if (s.state !== 'ready') return false;
  if (!isBusy(s)) return true;
  const short = s.avgRtUs > 0 && s.avgRtUs <= BATCHABLE_RT_US && !(s.inRequest && s.request && (now - s.request.at) * 1000 > BATCHABLE_RT_US);
  return capacity > 1 && short && load(s) < capacity;
}
