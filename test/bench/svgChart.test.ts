import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregateSeconds } from '../../bench/analysis/timeline.js';
import { latencyChart, slug, workersChart } from '../../bench/report/runCharts.js';
import { escapeXml, niceTicks, renderChart } from '../../bench/report/svgChart.js';
import type { RunResult } from '../../bench/run/types.js';
import { findAll, parseXml } from './xml.js';

test('niceTicks covers the range with round steps', () => {
  assert.deepEqual(niceTicks(0, 47, 5), [0, 10, 20, 30, 40, 50]);
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 3.2, 10), [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
  assert.deepEqual(niceTicks(0, 0, 5), [0, 0.2, 0.4, 0.6, 0.8, 1], 'an empty range still gets an axis');
});

test('escapeXml escapes what would break the document', () => {
  assert.equal(escapeXml(`a<b & "c" 'd'>`), 'a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
});

test('renderChart writes well-formed SVG with one group per series, gaps, markers and a legend', () => {
  const svg = renderChart({
    title: 'p99 < 3 s & rising',
    subtitle: 'a "quoted" subtitle',
    xLabel: 'seconds',
    yLabel: 'workers',
    y2Label: 'latency (s)',
    bands: [{ from: 0, to: 5, label: '40 clients' }],
    markers: [
      { x: 1, kind: 'spawn' },
      { x: 1.01, kind: 'spawn' },
      { x: 2, kind: 'spawn' },
      { x: 4, kind: 'cheap' },
    ],
    series: [
      {
        name: 'running',
        color: '#2563eb',
        points: [
          [0, 5],
          [1, 5],
          [2, 9],
        ],
        step: true,
        fill: true,
      },
      {
        name: 'p99',
        color: '#d97706',
        axis: 'right',
        points: [
          [0.5, 3],
          [1.5, null],
          [2.5, 4],
          [3.5, 4.5],
        ],
      },
    ],
  });
  const root = parseXml(svg);
  assert.equal(root.name, 'svg');
  assert.equal(root.attrs.xmlns, 'http://www.w3.org/2000/svg');
  const series = findAll(root, (e) => e.attrs['data-series'] !== undefined);
  assert.deepEqual(
    series.map((s) => s.attrs['data-series']),
    ['running', 'p99'],
  );
  const p99Lines = findAll(series[1]!, (e) => e.name === 'polyline' || e.name === 'circle');
  assert.deepEqual(
    p99Lines.map((e) => e.name),
    ['circle', 'polyline'],
    'the null splits the line: a lone point, then a line',
  );
  const spawnMarkers = findAll(root, (e) => e.attrs.class === 'spawn');
  assert.equal(spawnMarkers.length, 2, 'two spawns 10 ms apart merge into one marker; the one a second later stays apart');
  assert.equal(findAll(spawnMarkers[0]!, (e) => e.name === 'title')[0]!.text, 'spawn x2');
  assert.equal(findAll(root, (e) => e.attrs.class === 'cheap').length, 1);
  const texts = findAll(root, (e) => e.name === 'text').map((e) => e.text);
  assert.ok(texts.includes('p99 < 3 s & rising'), 'the title survives escaping');
  assert.ok(texts.includes('latency (s)'));
  assert.ok(texts.includes('p99 (right axis)'), `legend: ${texts.join(' | ')}`);
  assert.ok(texts.includes('40 clients'), 'the phase band is labelled');
});

function run(): RunResult {
  const r: RunResult = {
    name: 'scale: spare step 3',
    startedAt: 0,
    durationMs: 3000,
    phases: [{ phase: { kind: 'closed', label: '4 clients', connections: 4, durationMs: 3000 }, startAt: 0, endAt: 3000, sent: 3, cancelled: 0 }],
    responses: [1200, 2100, 2900].map((at) => ({ at, latencyMs: at, status: 200, worker: '1', phase: 0 })),
    failures: [],
    samples: [0, 1000, 2000].map((at, i) => ({ at, slots: 8, running: 2 + i, ready: 2, busy: 2, idle: i, cheap: 6 - i, queue: 2 - i, requests: 0 })),
    events: [{ at: 900, type: 'spawn', worker: 3, reason: 'scale-up', source: 'server' }],
    seconds: [],
    statsSource: 'tidepool',
    statsErrors: [],
    aborted: false,
  };
  r.seconds = aggregateSeconds(r);
  return r;
}

test('the workers chart draws running, ready, busy and queue from the stats samples, and marks spawns', () => {
  const chart = workersChart(run())!;
  assert.equal(chart.file, 'scale-spare-step-3-workers.svg');
  const root = parseXml(chart.svg);
  assert.deepEqual(
    findAll(root, (e) => e.attrs['data-series'] !== undefined).map((e) => e.attrs['data-series']),
    ['running', 'ready', 'busy', 'queue'],
  );
  assert.equal(findAll(root, (e) => e.attrs.class === 'spawn').length, 1);
  assert.equal(workersChart({ ...run(), samples: [] }), null, 'no stats, no workers chart');
});

test('the latency chart draws requests per second and p50/p99 in seconds when latencies reach seconds', () => {
  const root = parseXml(latencyChart(run(), 1000).svg);
  const guide = findAll(root, (e) => e.attrs.class === 'guides')[0]!;
  assert.deepEqual(
    findAll(guide, (e) => e.name === 'title').map((e) => e.text),
    ['service time 1000 ms'],
  );
  const legend = findAll(root, (e) => e.attrs.class === 'legend')[0]!;
  assert.ok(findAll(legend, (e) => e.name === 'text').some((e) => e.text === 'service time 1000 ms (right axis)'));
  assert.deepEqual(
    findAll(root, (e) => e.attrs['data-series'] !== undefined).map((e) => e.attrs['data-series']),
    ['requests/s', 'p50 latency', 'p99 latency'],
  );
  assert.ok(findAll(root, (e) => e.name === 'text').some((e) => e.text === 'latency (s)'));
});

test('slug makes file names of run names', () => {
  assert.equal(slug('throughput: open loop'), 'throughput-open-loop');
  assert.equal(slug('::'), 'run');
});
