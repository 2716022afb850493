import { latencyStats, type LatencyStats } from './percentiles.js';
import { integrateSteps, isCheap, isSpawn } from './timeline.js';
import type { RunResult } from '../run/types.js';

/** What the pool did from a moment of a run on (the start of the load). Null fields: no stats. */
export interface PoolUsage {
  /** Seconds from `from` to the first spawn; null if the pool never grew. */
  firstSpawnS: number | null;
  runningAtStart: number | null;
  peakRunning: number | null;
  peakReady: number | null;
  peakQueue: number | null;
  /** Integral of running workers from `from` to the end of the run. */
  workerSeconds: number | null;
  /** The same for busy workers: the part of the worker-seconds that served requests. */
  busyWorkerSeconds: number | null;
  spawns: number;
  cheaps: number;
}

export function poolUsage(run: RunResult, from: number): PoolUsage {
  const hasStats = run.samples.length > 0;
  const samples = run.samples.filter((s) => s.at >= from);
  const before = [...run.samples].reverse().find((s) => s.at <= from) ?? run.samples[0];
  const peak = (key: 'running' | 'ready' | 'queue') => (hasStats ? Math.max(before?.[key] ?? 0, ...samples.map((s) => s[key])) : null);
  const integrate = (key: 'running' | 'busy') =>
    hasStats
      ? integrateSteps(
          run.samples.map((s) => ({ at: s.at, value: s[key] })),
          from,
          run.durationMs,
        ) / 1000
      : null;
  const spawns = run.events.filter((e) => isSpawn(e) && e.at >= from);
  return {
    firstSpawnS: spawns[0] ? (spawns[0].at - from) / 1000 : null,
    runningAtStart: before ? before.running : null,
    peakRunning: peak('running'),
    peakReady: peak('ready'),
    peakQueue: peak('queue'),
    workerSeconds: integrate('running'),
    busyWorkerSeconds: integrate('busy'),
    spawns: spawns.length,
    cheaps: run.events.filter((e) => isCheap(e) && e.at >= from).length,
  };
}

/** How a pool met a step of load: the numbers the scale comparison puts side by side. */
export interface ScaleMetrics extends PoolUsage {
  /** Concurrent clients during the step. */
  clients: number;
  loadSeconds: number;
  /** Seconds from the start of the step until a worker spawned during it took requests. */
  firstNewReadyS: number | null;
  /** Ready workers needed so that no client waits: min(clients, slots). */
  capacityNeeded: number;
  /** Seconds from the start of the step until that many workers were ready; null if not during the step. */
  enoughCapacityS: number | null;
  /** Most workers ready at once during the step. */
  peakReadyInStep: number | null;
  /** Latency of the responses completed during the step. */
  latency: LatencyStats | null;
  /** What one request costs without waiting: the simulated latency, or the fastest response seen. */
  serviceTimeMs: number | null;
  serviceTimeKnown: boolean;
  /** Responses per second over the step. */
  throughputRps: number;
  /** Non-2xx responses plus requests without a response, over the whole run. */
  failed: number;
  /** Requests in flight when the clients left at the end of the step (not failures). */
  cancelled: number;
}

/**
 * Reads the scale numbers off a run whose phase `loadPhase` is a closed-loop step.
 * `serviceTimeMs` is the simulated latency when the bench chose it; otherwise the fastest
 * response stands in for it (and says so).
 */
export function scaleMetrics(run: RunResult, loadPhase: number, serviceTimeMs: number | null): ScaleMetrics {
  const phase = run.phases[loadPhase];
  if (phase?.phase.kind !== 'closed') throw new RangeError(`phase ${loadPhase} of run ${JSON.stringify(run.name)} is not a closed-loop step`);
  const clients = phase.phase.connections;
  const start = phase.startAt;
  const latency = latencyStats(run.responses.filter((r) => r.phase === loadPhase).map((r) => r.latencyMs));
  const slots = run.samples.at(-1)?.slots || clients;
  const capacityNeeded = Math.min(clients, slots);
  // Capacity that arrives after the clients left served nobody.
  const inStep = run.samples.filter((s) => s.at >= start && s.at <= phase.endAt);
  const enough = inStep.find((s) => s.ready >= capacityNeeded);
  const spawned = new Set(run.events.filter((e) => isSpawn(e) && e.at >= start).map((e) => e.worker));
  const firstNewReady = run.events.find((e) => e.type === 'ready' && e.at >= start && spawned.has(e.worker));
  const seconds = (phase.endAt - phase.startAt) / 1000;
  return {
    ...poolUsage(run, start),
    clients,
    loadSeconds: seconds,
    firstNewReadyS: firstNewReady ? (firstNewReady.at - start) / 1000 : null,
    capacityNeeded,
    enoughCapacityS: enough ? Math.max(0, (enough.at - start) / 1000) : null,
    peakReadyInStep: inStep.length > 0 ? Math.max(...inStep.map((s) => s.ready)) : null,
    latency,
    serviceTimeMs: serviceTimeMs ?? latency?.min ?? null,
    serviceTimeKnown: serviceTimeMs !== null,
    throughputRps: (latency?.count ?? 0) / Math.max(0.001, seconds),
    failed: failedRequests(run),
    cancelled: phase.cancelled,
  };
}

/** Non-2xx responses plus requests that got no response. */
export function failedRequests(run: Pick<RunResult, 'failures' | 'responses'>): number {
  return run.failures.length + run.responses.filter((r) => r.status < 200 || r.status >= 300).length;
}
