import { latencyStats } from './percentiles.js';
import type { PhaseRecord, RequestFailure, ResponseRecord, ScalingEvent, SecondSample, StatsSample } from '../run/types.js';

/** What one second of a run is made of; every list holds items with `at` inside the second. */
export interface SecondInput {
  responses: readonly ResponseRecord[];
  failures: readonly RequestFailure[];
  samples: readonly StatsSample[];
  events: readonly ScalingEvent[];
  /** The last sample before the second, so a second without a read still shows the pool. */
  previousSample?: StatsSample;
}

export function isSpawn(e: ScalingEvent): boolean {
  return e.type === 'spawn';
}

/** A cheap counts once, when the scaler picked the worker (cheap-start), not again when it left. */
export function isCheap(e: ScalingEvent): boolean {
  return e.type === 'cheap-start' || (e.source === 'derived' && e.type === 'cheap-done');
}

export function secondSample(t: number, phase: number, input: SecondInput): SecondSample {
  const last = input.samples.length > 0 ? input.samples[input.samples.length - 1] : input.previousSample;
  const queues = input.samples.map((s) => s.queue);
  return {
    t,
    phase,
    requests: input.responses.length,
    non2xx: input.responses.filter((r) => r.status < 200 || r.status >= 300).length,
    errors: input.failures.length,
    latency: latencyStats(input.responses.map((r) => r.latencyMs)),
    workers: last ? { running: last.running, ready: last.ready, busy: last.busy, slots: last.slots } : null,
    queue: queues.length > 0 ? Math.max(...queues) : last ? last.queue : null,
    spawns: input.events.filter(isSpawn).length,
    cheaps: input.events.filter(isCheap).length,
  };
}

/** The phase running at `at` (the last phase started at or before it). */
export function phaseAt(phases: readonly Pick<PhaseRecord, 'startAt'>[], at: number): number {
  let index = 0;
  phases.forEach((p, i) => {
    if (p.startAt <= at) index = i;
  });
  return index;
}

/** Cuts a whole run into seconds [0,1), [1,2)... up to `durationMs`. Lists need not be sorted. */
export function aggregateSeconds(run: {
  durationMs: number;
  phases: readonly Pick<PhaseRecord, 'startAt'>[];
  responses: readonly ResponseRecord[];
  failures: readonly RequestFailure[];
  samples: readonly StatsSample[];
  events: readonly ScalingEvent[];
}): SecondSample[] {
  const count = Math.max(1, Math.ceil(run.durationMs / 1000));
  const bucket = <T extends { at: number }>(items: readonly T[]): T[][] => {
    const out: T[][] = Array.from({ length: count }, () => []);
    for (const item of [...items].sort((a, b) => a.at - b.at)) out[Math.min(count - 1, Math.max(0, Math.floor(item.at / 1000)))]!.push(item);
    return out;
  };
  const responses = bucket(run.responses);
  const failures = bucket(run.failures);
  const samples = bucket(run.samples);
  const events = bucket(run.events);
  const seconds: SecondSample[] = [];
  let previousSample: StatsSample | undefined;
  for (let t = 0; t < count; t++) {
    seconds.push(
      secondSample(t, phaseAt(run.phases, t * 1000), {
        responses: responses[t]!,
        failures: failures[t]!,
        samples: samples[t]!,
        events: events[t]!,
        previousSample,
      }),
    );
    previousSample = samples[t]!.at(-1) ?? previousSample;
  }
  return seconds;
}

/**
 * The integral of a step function over [from, to]: each point's value holds until the next point
 * (worker counts between two stats reads). Before the first point the function is unknown: 0.
 */
export function integrateSteps(points: readonly { at: number; value: number }[], from: number, to: number): number {
  let total = 0;
  points.forEach((p, i) => {
    const start = Math.max(p.at, from);
    const end = Math.min(points[i + 1]?.at ?? to, to);
    if (end > start) total += p.value * (end - start);
  });
  return total;
}
