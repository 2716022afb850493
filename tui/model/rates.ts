import type { UwsgiStats } from '../../core/stats/schema.js';

/** A document and the moment it was read (milliseconds on a monotonic clock). */
export interface Sample {
  atMs: number;
  stats: UwsgiStats;
}

export interface Rates {
  elapsedMs: number;
  /** Requests per second over all slots. */
  totalRps: number;
  /** Per slot (array index), null where the counter went back (the slot's history was lost). */
  workerRps: (number | null)[];
  /**
   * Per slot, the share of the interval spent inside requests (0..1), as uWSGI's busyness
   * algorithm measures it; null for slots not running at both samples.
   */
  busy: (number | null)[];
}

/**
 * Rates between two samples of the same master, over the time that really passed between
 * them. Null when they cannot be compared (a restarted master, no time between them), so a
 * first frame shows "unknown" instead of uwsgitop's huge first RPS.
 */
export function computeRates(prev: Sample, next: Sample): Rates | null {
  const elapsedMs = next.atMs - prev.atMs;
  if (!(elapsedMs > 0) || prev.stats.pid !== next.stats.pid) return null;
  const seconds = elapsedMs / 1000;
  let total = 0;
  const workerRps: (number | null)[] = [];
  const busy: (number | null)[] = [];
  next.stats.workers.forEach((w, i) => {
    const before = prev.stats.workers[i];
    const delta = before === undefined ? null : w.requests - before.requests;
    const rps = delta === null || delta < 0 ? null : delta / seconds;
    workerRps.push(rps);
    if (rps !== null) total += rps;
    busy.push(before === undefined ? null : busyShare(before, w, elapsedMs));
  });
  return { elapsedMs, totalRps: total, workerRps, busy };
}

type WorkerTimes = Pick<UwsgiStats['workers'][number], 'pid' | 'status' | 'running_time'>;

function busyShare(before: WorkerTimes, after: WorkerTimes, elapsedMs: number): number | null {
  const running = (w: WorkerTimes) => w.pid > 0 && w.status !== 'cheap';
  if (!running(before) || !running(after)) return null;
  // running_time only grows when a request ends, so a worker inside one long request shows no
  // growth; uWSGI's busyness algorithm counts that worker as 100 % busy, and so do we.
  if (before.pid === after.pid && before.status === 'busy' && after.status === 'busy' && after.running_time === before.running_time) {
    return 1;
  }
  const deltaUs = after.running_time - before.running_time;
  if (deltaUs < 0) return null;
  return Math.min(1, deltaUs / 1000 / elapsedMs);
}
