/**
 * Prometheus metrics of the pool, read from the master's state at scrape time, plus counters
 * of spawns and exits by reason, counted from the pool's events. The master's own process
 * metrics (CPU, memory, event-loop lag) come from prom-client, in a registry of our own.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { AppResponse } from '../app/types.js';
import { errorResponse } from '../app/types.js';
import { DURATION_BUCKETS_S } from '../ipc/messages.js';
import { isBusy, type Slot } from '../master/slot.js';
import type { PoolState } from './document.js';
import { EXIT_REASONS, type ExitReason, type PoolEvent } from '../../core/stats/schema.js';
import { type MetricFamily, PROMETHEUS_CONTENT_TYPE, renderFamilies } from './promText.js';

export const WORKER_PHASES = ['idle', 'busy', 'loading', 'stopping', 'cheap'] as const;
export type WorkerPhase = (typeof WORKER_PHASES)[number];

/** A slot for `tidepool_workers{state}`: busy wins; an empty slot waiting to be respawned counts as loading. */
export function workerPhase(s: Slot): WorkerPhase {
  if (s.state === 'empty') return s.cheap ? 'cheap' : 'loading';
  if (isBusy(s)) return 'busy';
  return s.state === 'ready' ? 'idle' : s.state;
}

export const SPAWN_REASONS = ['initial', 'scale-up', 'respawn', 'recycle', 'reload', 'other'] as const;
export type SpawnReason = (typeof SPAWN_REASONS)[number];

const RECYCLED: ReadonlySet<string> = new Set<ExitReason>(['max-requests', 'max-lifetime', 'rss']);

/**
 * The label of a spawn, from the master's reason text ("initial", "scale-up (spare2): ...",
 * "respawn after crash (killed by SIGKILL)", "replacing worker 2 (...)"): a handful of values, so series stay few.
 */
export function spawnReason(text: string): SpawnReason {
  if (text === 'initial') return 'initial';
  if (text.startsWith('scale-up')) return 'scale-up';
  // "replacing worker 2 (served 4 requests (max-requests 4))": a recycle with the replacement started first
  if (text.startsWith('replacing worker')) return 'recycle';
  const after = /^respawn after ([a-z-]+)/.exec(text)?.[1];
  if (after === undefined) return 'other';
  if (after === 'reload') return 'reload';
  return RECYCLED.has(after) ? 'recycle' : 'respawn';
}

/** The reason of a finished exit; null for other events and for "recycling started" notices. */
export function exitReason(e: PoolEvent): ExitReason | null {
  if (e.type !== 'exit' || e.detail?.phase === 'start') return null;
  const reason = e.detail?.reason;
  return (EXIT_REASONS as readonly unknown[]).includes(reason) ? (reason as ExitReason) : null;
}

export interface EventCounts {
  spawns: Map<SpawnReason, number>;
  exits: Map<ExitReason, number>;
}

export function countEvent(counts: EventCounts, e: PoolEvent): void {
  if (e.type === 'spawn') {
    const r = spawnReason(e.reason);
    counts.spawns.set(r, counts.spawns.get(r)! + 1);
    return;
  }
  const r = exitReason(e);
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
  const ready = slots.filter((s) => s.state === 'ready');
  const busyReady = ready.filter(isBusy).length;
  const sum = (f: (s: Slot) => number): number => slots.reduce((acc, s) => acc + f(s), 0);
  const buckets = new Array<number>(DURATION_BUCKETS_S.length + 1).fill(0);
  for (const s of slots) s.hist.forEach((n, i) => (buckets[i] = buckets[i]! + n));
  const running = slots.filter((s) => s.state !== 'empty');
  return [
    { name: 'tidepool_workers', help: 'Worker slots by state.', type: 'gauge', samples: WORKER_PHASES.map((p) => ({ labels: { state: p }, value: phases.get(p)! })) },
    { name: 'tidepool_workers_max', help: 'Worker slots (the `workers` option).', type: 'gauge', samples: [{ value: slots.length }] },
    { name: 'tidepool_busy_ratio', help: 'Busy ready workers / ready workers (0 when none is ready).', type: 'gauge', samples: [{ value: ready.length === 0 ? 0 : busyReady / ready.length }] },
    { name: 'tidepool_queue_length', help: 'Requests waiting for a free worker.', type: 'gauge', samples: [{ value: master.queue.length }] },
    { name: 'tidepool_queue_limit', help: 'Requests that may wait before new ones get 503 (the `listen` option).', type: 'gauge', samples: [{ value: master.config.listen }] },
    { name: 'tidepool_requests_rejected_total', help: 'Requests answered 503 because the queue was full.', type: 'counter', samples: [{ value: master.rejected }] },
    { name: 'tidepool_requests_total', help: 'Requests served by the workers.', type: 'counter', samples: [{ value: sum((s) => s.requests) }] },
    { name: 'tidepool_request_exceptions_total', help: 'Requests that ended in an application error (5xx).', type: 'counter', samples: [{ value: sum((s) => s.exceptions) }] },
    { name: 'tidepool_worker_spawns_total', help: 'Worker processes started, by reason.', type: 'counter', samples: SPAWN_REASONS.map((r) => ({ labels: { reason: r }, value: counts.spawns.get(r)! })) },
    { name: 'tidepool_worker_exits_total', help: 'Worker processes ended, by reason.', type: 'counter', samples: EXIT_REASONS.map((r) => ({ labels: { reason: r }, value: counts.exits.get(r)! })) },
    { name: 'tidepool_harakiri_total', help: 'Workers killed for holding a request longer than `harakiri`.', type: 'counter', samples: [{ value: sum((s) => s.harakiriCount) }] },
    {
      name: 'tidepool_request_duration_seconds', help: 'Time workers spent on each request.', type: 'histogram',
      bounds: DURATION_BUCKETS_S, counts: buckets, sum: sum((s) => s.runningTimeUs) / 1e6,
    },
    { name: 'tidepool_worker_rss_bytes', help: 'Resident memory of each running worker.', type: 'gauge', samples: running.map((s) => ({ labels: { worker: String(s.id) }, value: s.rss })) },
    { name: 'tidepool_worker_requests_total', help: 'Requests served by each worker slot, across respawns.', type: 'counter', samples: slots.map((s) => ({ labels: { worker: String(s.id) }, value: s.requests })) },
  ];
}

export interface PoolMetrics {
  /** The /metrics route (the app listener's, or the metrics listener's): the pool and the master's process metrics, both as of now. */
  route(method: string): AppResponse | Promise<AppResponse>;
  close(): void;
}

export function createPoolMetrics(master: PoolState): PoolMetrics {
  const counts: EventCounts = {
    spawns: new Map(SPAWN_REASONS.map((r) => [r, 0])),
    exits: new Map(EXIT_REASONS.map((r) => [r, 0])),
  };
  const onEvent = (e: PoolEvent): void => countEvent(counts, e);
  // The first workers were spawned before the stats layer started; their events are in the ring.
  for (const e of master.events.recent()) onEvent(e);
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
