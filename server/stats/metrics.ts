/**
 * Prometheus metrics of the pool, read from the master's state at scrape time, plus counters
 * of spawns and exits by kind, counted from the pool's events. The master's own process
 * metrics (CPU, memory, event-loop lag) come from prom-client, in a registry of our own.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { AppResponse } from '../app/types.js';
import { errorResponse } from '../app/types.js';
import { DURATION_BUCKETS_S } from '../ipc/messages.js';
import { isBusy, isRunning, processOf, type Slot } from '../master/slot.js';
import type { PoolState } from './document.js';
import { EXIT_REASONS, SPAWN_KINDS, type ExitReason, type PoolEvent, type SpawnKind } from '../../core/stats/schema.js';
import { type MetricFamily, PROMETHEUS_CONTENT_TYPE, renderFamilies, type Sample } from './promText.js';

export const WORKER_PHASES = ['idle', 'busy', 'loading', 'stopping', 'cheap'] as const;
export type WorkerPhase = (typeof WORKER_PHASES)[number];

/** A slot for `tidepool_workers{state}`: busy wins; a slot about to spawn (or respawn) counts as loading. */
export function workerPhase(s: Slot): WorkerPhase {
  switch (s.state.phase) {
    case 'cheap':
      return 'cheap';
    case 'ready':
      return isBusy(s) ? 'busy' : 'idle';
    case 'stopping':
      return isBusy(s) ? 'busy' : 'stopping';
    default:
      return 'loading';
  }
}

/** The kind of a finished exit; null for other events and for "recycling started" notices. */
export function exitKind(e: PoolEvent): ExitReason | null {
  if (e.type !== 'exit' || e.detail?.phase === 'start') return null;
  return e.kind ?? null;
}

export interface EventCounts {
  spawns: Map<SpawnKind, number>;
  exits: Map<ExitReason, number>;
}

export function emptyCounts(): EventCounts {
  return { spawns: new Map(SPAWN_KINDS.map((k) => [k, 0])), exits: new Map(EXIT_REASONS.map((r) => [r, 0])) };
}

/** Counts spawns and exits by kind: the labels are the kinds, never words read back from a reason. */
export function countEvent(counts: EventCounts, e: PoolEvent): void {
  if (e.type === 'spawn') {
    if (e.kind !== undefined) counts.spawns.set(e.kind, counts.spawns.get(e.kind)! + 1);
    return;
  }
  const r = exitKind(e);
  if (r !== null) counts.exits.set(r, counts.exits.get(r)! + 1);
}

/** The pool's metric families now. Pure. */
export function poolFamilies(master: PoolState, counts: EventCounts): MetricFamily[] {
  const slots = master.slots;
  const phases = new Map<WorkerPhase, number>(WORKER_PHASES.map((p) => [p, 0]));
  for (const s of slots) {
    const phase = workerPhase(s);
    phases.set(phase, phases.get(phase)! + 1);
  }
  const ready = slots.filter((s) => s.state.phase === 'ready');
  const busyReady = ready.filter(isBusy).length;
  const sum = (f: (c: Slot['counters']) => number): number => slots.reduce((acc, s) => acc + f(s.counters), 0);
  const buckets = new Array<number>(DURATION_BUCKETS_S.length + 1).fill(0);
  for (const s of slots) s.counters.hist.forEach((n, i) => (buckets[i] = buckets[i]! + n));
  const one = (value: number): Sample[] => [{ value }];
  const perSlot = (list: readonly Slot[], value: (s: Slot) => number): Sample[] => list.map((s) => ({ labels: { worker: String(s.id) }, value: value(s) }));
  const byReason = <K extends string>(keys: readonly K[], n: Map<K, number>): Sample[] => keys.map((k) => ({ labels: { reason: k }, value: n.get(k)! }));
  return [
    {
      name: 'tidepool_workers',
      help: 'Worker slots by state.',
      type: 'gauge',
      samples: WORKER_PHASES.map((p) => ({ labels: { state: p }, value: phases.get(p)! })),
    },
    { name: 'tidepool_workers_max', help: 'Worker slots (the `workers` option).', type: 'gauge', samples: one(slots.length) },
    {
      name: 'tidepool_busy_ratio',
      help: 'Busy ready workers / ready workers (0 when none is ready).',
      type: 'gauge',
      samples: one(ready.length === 0 ? 0 : busyReady / ready.length),
    },
    { name: 'tidepool_queue_length', help: 'Requests waiting for a free worker.', type: 'gauge', samples: one(master.queue().waiting) },
    {
      name: 'tidepool_queue_limit',
      help: 'Requests that may wait before new ones get 503 (the `listen` option).',
      type: 'gauge',
      samples: one(master.config.listen),
    },
    {
      name: 'tidepool_requests_rejected_total',
      help: 'Requests answered 503 because the queue was full.',
      type: 'counter',
      samples: one(master.dispatch.rejected),
    },
    { name: 'tidepool_requests_total', help: 'Requests served by the workers.', type: 'counter', samples: one(sum((c) => c.requests)) },
    {
      name: 'tidepool_request_exceptions_total',
      help: 'Requests that ended in an application error (5xx).',
      type: 'counter',
      samples: one(sum((c) => c.exceptions)),
    },
    { name: 'tidepool_worker_spawns_total', help: 'Worker processes started, by reason.', type: 'counter', samples: byReason(SPAWN_KINDS, counts.spawns) },
    { name: 'tidepool_worker_exits_total', help: 'Worker processes ended, by reason.', type: 'counter', samples: byReason(EXIT_REASONS, counts.exits) },
    {
      name: 'tidepool_harakiri_total',
      help: 'Workers killed for holding a request longer than `harakiri`.',
      type: 'counter',
      samples: one(sum((c) => c.harakiriCount)),
    },
    {
      name: 'tidepool_request_duration_seconds',
      help: 'Time workers spent on each request.',
      type: 'histogram',
      bounds: DURATION_BUCKETS_S,
      counts: buckets,
      sum: sum((c) => c.runningTimeUs) / 1e6,
    },
    {
      name: 'tidepool_worker_rss_bytes',
      help: 'Resident memory of each running worker.',
      type: 'gauge',
      samples: perSlot(slots.filter(isRunning), (s) => processOf(s)?.rss ?? 0),
    },
    {
      name: 'tidepool_worker_requests_total',
      help: 'Requests served by each worker slot, across respawns.',
      type: 'counter',
      samples: perSlot(slots, (s) => s.counters.requests),
    },
  ];
}

export interface PoolMetrics {
  /** The /metrics route (the app listener's, or the metrics listener's): the pool and the master's process metrics, both as of now. */
  route(method: string): AppResponse | Promise<AppResponse>;
  close(): void;
}

export function createPoolMetrics(master: PoolState): PoolMetrics {
  const counts = emptyCounts();
  // Created with the master, before its first spawn: every event is counted as it happens.
  const onEvent = (e: PoolEvent): void => countEvent(counts, e);
  master.events.on('event', onEvent);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const render = async (): Promise<string> => {
    const pool = renderFamilies(poolFamilies(master, counts));
    // prom-client 15 writes NaN as `Nan`; the text format spells it `NaN`.
    const processText = (await registry.metrics()).replace(/ Nan$/gm, ' NaN');
    return pool + processText;
  };

  return {
    route(method) {
      if (method !== 'GET' && method !== 'HEAD') return errorResponse(405, `Method ${method} is not allowed on /metrics; use GET`, { Allow: 'GET, HEAD' });
      return render().then((body) => ({ status: 200, headers: { 'Content-Type': PROMETHEUS_CONTENT_TYPE }, body }));
    },
    close() {
      master.events.off('event', onEvent);
      registry.clear();
    },
  };
}
