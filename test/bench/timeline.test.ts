import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scaleMetrics } from '../../bench/analysis/scaleMetrics.js';
import { aggregateSeconds, integrateSteps, phaseAt } from '../../bench/analysis/timeline.js';
import type { PhaseRecord, ResponseRecord, RunResult, ScalingEvent, StatsSample } from '../../bench/run/types.js';

const sample = (at: number, running: number, ready: number, busy: number, queue: number, slots = 10): StatsSample => ({
  at,
  slots,
  running,
  ready,
  busy,
  idle: running - busy,
  cheap: slots - running,
  queue,
  requests: 0,
});
const response = (at: number, latencyMs: number, phase = 1, status = 200): ResponseRecord => ({ at, latencyMs, status, worker: '1', phase });
const event = (at: number, type: ScalingEvent['type'], worker?: number): ScalingEvent => ({
  at,
  type,
  reason: type,
  source: 'server',
  ...(worker ? { worker } : {}),
});

/** A 6 s run: 1 s before, a 3 s step of 4 clients, 2 s quiet; the pool grows from 2 to 4. */
function syntheticRun(): RunResult {
  const phases: PhaseRecord[] = [
    { phase: { kind: 'quiet', label: 'before', durationMs: 1000 }, startAt: 0, endAt: 1000, sent: 0, cancelled: 0 },
    { phase: { kind: 'closed', label: '4 clients', connections: 4, durationMs: 3000 }, startAt: 1000, endAt: 4000, sent: 8, cancelled: 3 },
    { phase: { kind: 'quiet', label: 'quiet', durationMs: 2000 }, startAt: 4000, endAt: 6000, sent: 0, cancelled: 0 },
  ];
  const samples = [sample(0, 2, 2, 0, 0), sample(1250, 2, 2, 2, 2), sample(2500, 4, 3, 3, 1), sample(3000, 4, 4, 4, 0), sample(5000, 3, 3, 0, 0)];
  const responses = [response(2100, 1000), response(2200, 1100), response(3300, 2000), response(3400, 2100), response(3900, 1000, 1, 503)];
  const events = [
    event(1100, 'decision'),
    event(1150, 'spawn', 3),
    event(1160, 'spawn', 4),
    event(2400, 'ready', 3),
    event(2900, 'ready', 4),
    event(4500, 'cheap-start', 4),
    event(4900, 'cheap-done', 4),
  ];
  const run: RunResult = {
    name: 'synthetic',
    startedAt: 1_700_000_000_000,
    durationMs: 6000,
    phases,
    responses,
    failures: [{ at: 3500, phase: 1, message: 'ECONNRESET' }],
    samples,
    events,
    seconds: [],
    statsSource: 'tidepool',
    statsErrors: [],
    aborted: false,
  };
  run.seconds = aggregateSeconds(run);
  return run;
}

test('aggregateSeconds buckets responses by completion second', () => {
  const seconds = syntheticRun().seconds;
  assert.equal(seconds.length, 6);
  assert.deepEqual(
    seconds.map((s) => s.requests),
    [0, 0, 2, 3, 0, 0],
  );
  assert.deepEqual(
    seconds.map((s) => s.phase),
    [0, 1, 1, 1, 2, 2],
  );
  assert.equal(seconds[2]!.latency!.p50, 1000);
  assert.equal(seconds[3]!.non2xx, 1);
  assert.equal(seconds[3]!.errors, 1);
  assert.equal(seconds[0]!.latency, null);
});

test('aggregateSeconds shows the pool at the end of each second, carrying the last read over empty seconds', () => {
  const seconds = syntheticRun().seconds;
  assert.deepEqual(
    seconds.map((s) => s.workers?.running),
    [2, 2, 4, 4, 4, 3],
  );
  // Second 4 has no read of its own: it carries the one at 3000 ms.
  assert.deepEqual(
    seconds.map((s) => s.queue),
    [0, 2, 1, 0, 0, 0],
  );
  assert.deepEqual(
    seconds.map((s) => s.spawns),
    [0, 2, 0, 0, 0, 0],
  );
  assert.deepEqual(
    seconds.map((s) => s.cheaps),
    [0, 0, 0, 0, 1, 0],
    'a cheap counts once (cheap-start), not again at cheap-done',
  );
});

test('phaseAt picks the last phase started', () => {
  const phases = [{ startAt: 0 }, { startAt: 1000 }, { startAt: 4000 }];
  assert.equal(phaseAt(phases, 999), 0);
  assert.equal(phaseAt(phases, 1000), 1);
  assert.equal(phaseAt(phases, 10000), 2);
});

test('integrateSteps holds each value until the next point and clips to the window', () => {
  const points = [
    { at: 0, value: 2 },
    { at: 1000, value: 4 },
    { at: 3000, value: 1 },
  ];
  assert.equal(integrateSteps(points, 0, 4000), 2 * 1000 + 4 * 2000 + 1 * 1000);
  assert.equal(integrateSteps(points, 500, 2000), 2 * 500 + 4 * 1000);
  assert.equal(integrateSteps([], 0, 1000), 0);
});

test('scaleMetrics reads first spawn, capacity and worker-seconds from the start of the step', () => {
  const m = scaleMetrics(syntheticRun(), 1, 1000);
  assert.equal(m.clients, 4);
  assert.equal(m.firstSpawnS, 0.15);
  assert.equal(m.firstNewReadyS, 1.4);
  assert.equal(m.capacityNeeded, 4);
  assert.equal(m.enoughCapacityS, 2, 'the read at 3000 ms is the first with 4 ready');
  assert.equal(m.peakReadyInStep, 4);
  assert.equal(m.runningAtStart, 2);
  assert.equal(m.peakRunning, 4);
  assert.equal(m.peakQueue, 2);
  assert.equal(m.latency!.count, 5);
  assert.equal(m.serviceTimeMs, 1000);
  assert.equal(m.serviceTimeKnown, true);
  assert.equal(m.failed, 2, 'one 503 and one connection error');
  assert.equal(m.cancelled, 3);
  // running: 2 from 1.0 to 2.5 s, 4 to 5.0 s, 3 to 6.0 s
  assert.equal(m.workerSeconds, 2 * 1.5 + 4 * 2.5 + 3 * 1);
  assert.equal(m.busyWorkerSeconds, 2 * 1.25 + 3 * 0.5 + 4 * 2);
  assert.equal(m.spawns, 2);
  assert.equal(m.cheaps, 1);
});

test('scaleMetrics without a stats socket says n/a rather than zero, and estimates the service time', () => {
  const run = { ...syntheticRun(), samples: [], events: [], statsSource: 'none' as const };
  const m = scaleMetrics(run, 1, null);
  assert.equal(m.peakRunning, null);
  assert.equal(m.workerSeconds, null);
  assert.equal(m.enoughCapacityS, null);
  assert.equal(m.firstSpawnS, null);
  assert.equal(m.serviceTimeMs, 1000, 'the fastest response stands in');
  assert.equal(m.serviceTimeKnown, false);
});

test('capacity that arrives after the clients left does not count as enough capacity', () => {
  const run = syntheticRun();
  run.samples = run.samples.map((s) => (s.at === 3000 ? { ...s, ready: 3 } : s));
  run.samples.push({ ...run.samples[0]!, at: 4500, running: 4, ready: 4 });
  run.samples.sort((a, b) => a.at - b.at);
  const m = scaleMetrics(run, 1, 1000);
  assert.equal(m.enoughCapacityS, null);
  assert.equal(m.peakReadyInStep, 3);
  assert.equal(m.peakReady, 4);
});

test('scaleMetrics refuses a phase that is not a step', () => {
  assert.throws(() => scaleMetrics(syntheticRun(), 0, null), /phase 0 of run "synthetic" is not a closed-loop step/);
});
