/** What a stats document adds up to: its workers by state, and their totals. */
import type { UwsgiWorker } from './schema.js';

export interface WorkerCounts {
  /** Worker slots (the configured maximum). */
  slots: number;
  /** Slots with a live process that the scaler did not cheap. */
  running: number;
  /** Running and accepting requests. */
  ready: number;
  busy: number;
  idle: number;
  cheap: number;
  pause: number;
  /** Inside a uWSGI signal handler (`sig<N>`). */
  sig: number;
}

export interface StatsTotals {
  requests: number;
  exceptions: number;
  /** Bytes. */
  tx: number;
  harakiri: number;
  /** Bytes, over running workers. */
  rss: number;
  /** Bytes, over running workers. */
  vsz: number;
}

/** Running: a live process that the scaler did not cheap. */
export function isRunning(w: UwsgiWorker): boolean {
  return w.pid > 0 && w.status !== 'cheap';
}

export function countWorkers(workers: readonly UwsgiWorker[]): WorkerCounts {
  const c: WorkerCounts = { slots: workers.length, running: 0, ready: 0, busy: 0, idle: 0, cheap: 0, pause: 0, sig: 0 };
  for (const w of workers) {
    if (w.status === 'cheap') c.cheap++;
    else if (w.status === 'pause') c.pause++;
    else if (w.status.startsWith('sig')) c.sig++;
    if (!isRunning(w)) continue;
    c.running++;
    if (w.accepting) c.ready++;
    if (w.status === 'busy') c.busy++;
    else if (w.status === 'idle') c.idle++;
  }
  return c;
}

export function sumWorkers(workers: readonly UwsgiWorker[]): StatsTotals {
  const t: StatsTotals = { requests: 0, exceptions: 0, tx: 0, harakiri: 0, rss: 0, vsz: 0 };
  for (const w of workers) {
    t.requests += w.requests;
    t.exceptions += w.exceptions;
    t.tx += w.tx;
    t.harakiri += w.harakiri_count;
    if (isRunning(w)) {
      t.rss += w.rss;
      t.vsz += w.vsz;
    }
  }
  return t;
}
