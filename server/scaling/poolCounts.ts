import type { Observation, WorkerObservation } from './types.js';

/**
 * The pool as the algorithms count it. A worker being cheaped still holds its slot but is no
 * capacity, so it is in none of running/idle/busy/loading; every other live worker is in exactly
 * one of idle, busy, loading.
 */
export interface PoolCounts {
  running: number; // live and not cheaping: uWSGI's "active workers"
  idle: number; // running, ready, no request
  busy: number; // running, a request in progress
  loading: number; // running, still loading the model
  cheaping: number; // live, on the way out
  free: number; // slots with no process: where a spawn can go
}

export function isActive(w: WorkerObservation): boolean {
  return w.running && !w.cheaping;
}

export function isIdle(w: WorkerObservation): boolean {
  return isActive(w) && w.ready && !w.busy;
}

export function countPool(obs: Observation): PoolCounts {
  const c: PoolCounts = { running: 0, idle: 0, busy: 0, loading: 0, cheaping: 0, free: 0 };
  for (const w of obs.workers) {
    if (!w.running) c.free++;
    else if (w.cheaping) c.cheaping++;
    else {
      c.running++;
      if (w.busy) c.busy++;
      else if (w.ready) c.idle++;
      else c.loading++;
    }
  }
  return c;
}

/** Requests no loading worker will take: each loading worker takes one waiting request when it is ready. */
export function unclaimedQueue(obs: Observation, pool: PoolCounts): number {
  return Math.max(0, obs.queue - pool.loading);
}

/** RSS of the running workers, not of those being cheaped: their memory is already on its way out. */
export function activeRss(obs: Observation): number {
  let total = 0;
  for (const w of obs.workers) if (isActive(w)) total += w.rss;
  return total;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
