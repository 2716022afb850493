import type { UwsgiCore, UwsgiWorker } from '../../core/stats/schema.js';
import { isRunning } from '../../core/stats/counts.js';
import type { Dashboard } from '../model/dashboard.js';

/** What a row's colour says. */
export type StatusKind = 'busy' | 'idle' | 'cheap' | 'pause' | 'sig' | 'loading' | 'cheaping' | 'down';

export interface WorkerRow {
  host: string;
  hostIndex: number;
  /** 1-based slot number (uWSGI reports id 0 for never-spawned slots; the position is the slot). */
  slot: number;
  worker: UwsgiWorker;
  /** Null until two samples exist. */
  rps: number | null;
  /** Share of the last interval spent in requests, 0..1. */
  busy: number | null;
  /** The slot's share of its server's requests, 0..1 (uwsgitop's `%`). */
  share: number | null;
  /** The status in words: uWSGI's, refined where tidepool or `accepting` tell more. */
  status: string;
  kind: StatusKind;
}

export function statusOf(w: UwsgiWorker): { status: string; kind: StatusKind } {
  if (w.status === 'cheap') return { status: 'cheap', kind: 'cheap' };
  if (w.tidepool?.cheaping) return { status: 'cheaping', kind: 'cheaping' };
  if (w.status === 'pause') return { status: 'pause', kind: 'pause' };
  if (w.status.startsWith('sig')) return { status: w.status, kind: 'sig' };
  if (w.status === 'busy') return { status: 'busy', kind: 'busy' };
  // uWSGI says idle for a worker still loading its app; `accepting` tells them apart.
  if (isRunning(w) && !w.accepting) return { status: 'loading', kind: 'loading' };
  if (w.pid === 0) return { status: 'down', kind: 'down' };
  return { status: 'idle', kind: 'idle' };
}

/** Every slot of every host that answered, in host then slot order. */
export function workerRows(dashboard: Dashboard): WorkerRow[] {
  const rows: WorkerRow[] = [];
  dashboard.hosts.forEach((h, hostIndex) => {
    if (h.snapshot === null) return;
    const total = h.snapshot.totals.requests;
    h.snapshot.stats.workers.forEach((worker, i) => {
      rows.push({
        host: h.address,
        hostIndex,
        slot: i + 1,
        worker,
        rps: h.rates?.workerRps[i] ?? null,
        busy: h.rates?.busy[i] ?? null,
        share: total > 0 ? worker.requests / total : null,
        ...statusOf(worker),
      });
    });
  });
  return rows;
}

const STATUS_WORDS = ['busy', 'idle', 'cheap', 'pause', 'sig', 'loading', 'cheaping', 'down', 'running'] as const;

/** The words `/` understands, for the help screen. */
export const FILTER_HELP = 'busy idle cheap loading running sig pause (or their start), a slot or pid (7), a range (3-9), or part of a host; several = any';

/**
 * Keeps the rows that match ANY of the filter's words: a status or its start (`bu`), `running`
 * (not cheap), a slot or pid number, a slot range `3-9`, or a piece of the host's address.
 * Empty keeps everything.
 */
export function filterRows(rows: readonly WorkerRow[], filter: string): WorkerRow[] {
  const words = filter
    .trim()
    .toLowerCase()
    .split(/[\s,]+/)
    .filter((w) => w !== '');
  if (words.length === 0) return [...rows];
  return rows.filter((row) => words.some((word) => matchesWord(row, word)));
}

function matchesWord(row: WorkerRow, word: string): boolean {
  if (/^\d+$/.test(word)) return row.slot === Number(word) || row.worker.pid === Number(word);
  const range = /^(\d+)-(\d+)$/.exec(word);
  if (range) return row.slot >= Number(range[1]) && row.slot <= Number(range[2]);
  const statuses = STATUS_WORDS.filter((s) => s.startsWith(word));
  const byStatus = statuses.some((s) => (s === 'running' ? isRunning(row.worker) : row.kind === s));
  return byStatus || row.host.toLowerCase().includes(word);
}

export type DisplayRow =
  | { type: 'worker'; row: WorkerRow }
  | { type: 'core'; row: WorkerRow; core: UwsgiCore }
  | { type: 'cheap'; host: string; slots: number[] }
  | { type: 'host-down'; host: string; state: 'connecting' | 'down'; message: string; sinceMs: number | null };

export interface DisplayOptions {
  /** Fold each host's cheap slots into one line. */
  collapseCheap: boolean;
  /** A line per core under each running worker (uwsgitop's `a`). */
  showCores: boolean;
}

/**
 * The lines of the table, in order: hosts that do not answer first (so they are seen), then
 * the (already sorted and filtered) workers, then one line per host for its folded cheap slots.
 */
export function displayRows(dashboard: Dashboard, sorted: readonly WorkerRow[], options: DisplayOptions): DisplayRow[] {
  const out: DisplayRow[] = [];
  for (const h of dashboard.hosts) {
    if (h.state === 'up') continue;
    out.push({
      type: 'host-down',
      host: h.address,
      state: h.state,
      message: h.state === 'connecting' ? 'connecting…' : (h.error ?? 'not answering'),
      sinceMs: h.downSinceMs,
    });
  }
  const cheap = new Map<string, number[]>();
  for (const row of sorted) {
    if (options.collapseCheap && row.kind === 'cheap') {
      const slots = cheap.get(row.host) ?? [];
      slots.push(row.slot);
      cheap.set(row.host, slots);
      continue;
    }
    out.push({ type: 'worker', row });
    if (options.showCores && isRunning(row.worker)) {
      for (const core of row.worker.cores) out.push({ type: 'core', row, core });
    }
  }
  for (const [host, slots] of cheap) out.push({ type: 'cheap', host, slots });
  return out;
}
