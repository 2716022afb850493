import { isCheap, isSpawn } from '../analysis/timeline.js';
import type { RunResult } from '../run/types.js';
import { renderChart, type ChartBand, type ChartMarker, type ChartSpec, type Point } from './svgChart.js';

export interface ChartFile {
  /** File name inside the report directory. */
  file: string;
  title: string;
  /** Run it was drawn from. */
  run: string;
  svg: string;
}

/** "scale: spare step 3" -> "scale-spare-step-3" */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'run'
  );
}

/** One chart of one run, named after both. */
function chartFile(run: RunResult, kind: string, spec: ChartSpec): ChartFile {
  return { file: `${slug(run.name)}-${kind}.svg`, title: spec.title, run: run.name, svg: renderChart(spec) };
}

function bands(run: RunResult): ChartBand[] {
  return run.phases.map((p) => ({ from: p.startAt / 1000, to: p.endAt / 1000, label: p.phase.label }));
}

/** Workers running, ready and busy, and the queue, as read from the stats socket; spawns and cheaps marked. */
export function workersChart(run: RunResult): ChartFile | null {
  if (run.samples.length === 0) return null;
  const at = (s: { at: number }) => s.at / 1000;
  const series = (key: 'running' | 'ready' | 'busy' | 'queue'): Point[] => run.samples.map((s) => [at(s), s[key]]);
  const markers: ChartMarker[] = [
    ...run.events.filter(isSpawn).map((e): ChartMarker => ({ x: e.at / 1000, kind: 'spawn' })),
    ...run.events.filter(isCheap).map((e): ChartMarker => ({ x: e.at / 1000, kind: 'cheap' })),
  ];
  const source = run.statsSource === 'uwsgi' ? 'events derived from successive uWSGI stats documents' : 'events from the server (tidepool.events)';
  const title = `${run.name}: workers and queue`;
  return chartFile(run, 'workers', {
    title,
    subtitle: `stats socket read every ~250 ms; ${source}`,
    xLabel: 'seconds since the run started',
    yLabel: 'workers / requests waiting',
    xMax: run.durationMs / 1000,
    bands: bands(run),
    markers,
    series: [
      { name: 'running', color: '#2563eb', points: series('running'), step: true, fill: true },
      { name: 'ready', color: '#0891b2', points: series('ready'), step: true, dashed: true },
      { name: 'busy', color: '#7c3aed', points: series('busy'), step: true },
      { name: 'queue', color: '#dc2626', points: series('queue'), step: true, width: 1.5 },
    ],
  });
}

/** Responses per second (left) and the p50/p99 latency of each second (right), with the service time for scale. */
export function latencyChart(run: RunResult, serviceTimeMs: number | null = null): ChartFile {
  const maxLatency = Math.max(0, ...run.seconds.map((s) => s.latency?.p99 ?? 0));
  const inSeconds = maxLatency >= 2000;
  const unit = inSeconds ? 's' : 'ms';
  const scale = (ms: number) => (inSeconds ? ms / 1000 : ms);
  const mid = (t: number) => t + 0.5;
  const title = `${run.name}: throughput and latency`;
  const openLoop = run.phases.some((p) => p.phase.kind === 'open');
  return chartFile(run, 'latency', {
    title,
    subtitle: `per second of completion${openLoop ? '; open-loop latency counts from the intended send time' : ''}`,
    xLabel: 'seconds since the run started',
    yLabel: 'responses per second',
    y2Label: `latency (${unit})`,
    xMax: run.durationMs / 1000,
    bands: bands(run),
    guides: serviceTimeMs ? [{ y: scale(serviceTimeMs), axis: 'right', label: `service time ${serviceTimeMs} ms` }] : [],
    series: [
      {
        name: 'requests/s',
        color: '#64748b',
        points: run.seconds.map((s): Point => [s.t, s.requests]).concat([[run.seconds.length, run.seconds.at(-1)?.requests ?? 0]]),
        step: true,
        fill: true,
      },
      { name: 'p50 latency', color: '#059669', axis: 'right', points: run.seconds.map((s): Point => [mid(s.t), s.latency ? scale(s.latency.p50) : null]) },
      { name: 'p99 latency', color: '#d97706', axis: 'right', points: run.seconds.map((s): Point => [mid(s.t), s.latency ? scale(s.latency.p99) : null]) },
    ],
  });
}

/**
 * The classic experiment at a glance: one bar per answer in order of completion, its height the
 * latency, the worker that served it on top; the service time as a line.
 */
export function burstChart(run: RunResult, serviceTimeMs: number | null): ChartFile {
  const answers = run.responses.filter((r) => r.phase === 0);
  const inSeconds = Math.max(0, ...answers.map((a) => a.latencyMs)) >= 2000;
  const scale = (ms: number) => (inSeconds ? ms / 1000 : ms);
  const title = `${run.name}: ${answers.length} requests at once`;
  return chartFile(run, 'answers', {
    title,
    subtitle: 'one bar per answer, in the order they came; on top, the worker (X-Tidepool-Worker) that served it',
    xLabel: 'answer #',
    yLabel: `latency (${inSeconds ? 's' : 'ms'})`,
    xMax: answers.length + 0.5,
    guides: serviceTimeMs ? [{ y: scale(serviceTimeMs), label: `service time ${serviceTimeMs} ms` }] : [],
    series: [
      {
        name: 'latency',
        color: '#2563eb',
        points: answers.map((a, i): Point => [i + 1, scale(a.latencyMs)]),
        bars: { width: 0.7, labels: answers.map((a) => (a.worker !== null ? `w${a.worker}` : '')) },
      },
    ],
  });
}

export function runCharts(run: RunResult, serviceTimeMs: number | null = null): ChartFile[] {
  const workers = workersChart(run);
  const latency = latencyChart(run, serviceTimeMs);
  return workers ? [workers, latency] : [latency];
}
