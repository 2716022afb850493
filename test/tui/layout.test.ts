import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStats } from '../../core/stats/parseStats.js';
import { Dashboard } from '../../tui/model/dashboard.js';
import { bar, busyBars } from '../../tui/view/busyBars.js';
import { chartData, niceCeil } from '../../tui/view/chartData.js';
import { eventLines } from '../../tui/view/eventLines.js';
import { footerLine } from '../../tui/view/footer.js';
import { composeFrame } from '../../tui/view/frame.js';
import { computePanes, type Rect } from '../../tui/view/panes.js';
import { INITIAL_UI } from '../../tui/view/uiState.js';
import { workerRows } from '../../tui/view/workerRows.js';
import { fixture } from './helpers/statsServer.js';

const inside = (r: Rect, w: number, h: number) => r.top >= 0 && r.left >= 0 && r.left + r.width <= w && r.top + r.height <= h;

test('a big terminal gets every pane; shrinking drops bars, then charts, then events', () => {
  const big = computePanes(200, 50, 3);
  assert.ok(big.bars && big.rpsChart && big.workersChart && big.events);
  const medium = computePanes(120, 40, 3);
  assert.ok(!medium.bars && medium.rpsChart && !medium.workersChart && medium.events);
  const short = computePanes(120, 24, 3);
  assert.ok(!short.rpsChart && short.events);
  const tiny = computePanes(60, 12, 3);
  assert.ok(!tiny.events && !tiny.rpsChart && !tiny.bars);
  for (const [w, h] of [
    [200, 50],
    [120, 40],
    [120, 24],
    [80, 24],
    [60, 12],
    [30, 8],
  ] as const) {
    const p = computePanes(w, h, 3);
    for (const [name, r] of Object.entries(p)) assert.ok(inside(r as Rect, w, h), `${w}x${h} ${name}`);
    assert.ok(p.table.height >= 1);
  }
});

test('busy bars: one per running worker, the busiest when they do not fit', () => {
  const d = new Dashboard(['a']);
  d.addSample(0, parseStats(fixture('idle')), 0);
  const busy = parseStats(fixture('busy'));
  busy.stats.workers[3]!.status = 'idle';
  busy.stats.workers[3]!.running_time = 18048572 - 500_000;
  d.addSample(0, busy, 1000);
  const lines = busyBars(workerRows(d), 30, 20);
  assert.equal(lines.length, 14);
  assert.ok(
    lines.every((l) => l.text.length === 30),
    lines.map((l) => l.text.length).join(),
  );
  assert.equal(lines[0]!.text, `  1 ${'█'.repeat(21)} 100%`);
  const few = busyBars(workerRows(d), 30, 5);
  assert.equal(few.length, 5);
  assert.equal(few.at(-1)!.text, '+10 less busy');
  assert.equal(bar(0.5, 4), '██··');
  assert.equal(bar(0.0625, 2), '▏·');
});

test('charts start where the RPS is known and scale with room above', () => {
  const points = [
    { atMs: 0, rps: null, running: 5, busy: 0 },
    { atMs: 1000, rps: 12, running: 5, busy: 5 },
    { atMs: 2000, rps: 30, running: 8, busy: 8 },
  ];
  const c = chartData(points, 40);
  assert.deepEqual(c.rps, [12, 30]);
  assert.deepEqual(c.running, [5, 8]);
  assert.equal(c.rpsMax, 50);
  assert.equal(c.workersMax, 10);
  assert.deepEqual(chartData(points, 1).rps, [12, 30], 'two points at least');
  assert.equal(niceCeil(0), 1);
  assert.equal(niceCeil(101), 200);
});

test('event lines: time, worker, type, reason; the newest at the bottom', () => {
  const lines = eventLines(
    [
      { at: 0, host: 'a', seq: 1, type: 'spawn', worker: 3, reason: 'scaled up', detail: { ms: 5 } },
      { at: 1000, host: 'a', seq: 2, type: 'harakiri', worker: 12, reason: 'request over 30 s' },
      {
        at: 2000,
        host: 'a',
        seq: 3,
        type: 'ready',
        worker: 3,
        reason: 'model loaded in 636 ms (spawn to ready 812 ms)',
        detail: { load_ms: 636, spawn_to_ready_ms: 812, threads: 2 },
      },
    ],
    { count: 5, width: 200, showHost: false },
  );
  assert.match(lines[0]!.text, /^\d\d:\d\d:00 {2}w3 spawn {7}scaled up \(ms=5\)$/);
  assert.match(lines[1]!.text, /^\d\d:\d\d:01 w12 harakiri {4}request over 30 s$/);
  assert.equal(lines[1]!.style, 'error');
  // Only what the reason does not already say.
  assert.match(lines[2]!.text, /^\d\d:\d\d:02 {2}w3 ready {7}model loaded in 636 ms \(spawn to ready 812 ms\) \(threads=2\)$/);
  assert.equal(eventLines([], { count: 0, width: 10, showHost: false }).length, 0);
});

test('the footer shows sort, filter, refresh, pause and where the table is scrolled', () => {
  const info = { intervalMs: 1000, firstRow: 11, lastRow: 30, totalRows: 60 };
  const text = footerLine({ ...INITIAL_UI, filter: 'busy' }, info, 120).text;
  assert.match(text, /^sort WID asc \| filter "busy" \| every 1s \| rows 11-30 of 60 +\? help {2}q quit$/);
  assert.equal(text.length, 120);
  assert.match(footerLine({ ...INITIAL_UI, paused: true }, info, 120).text, /PAUSED/);
  assert.match(footerLine({ ...INITIAL_UI, fast: true }, info, 120).text, /every 100ms \(fast\)/);
  assert.match(footerLine({ ...INITIAL_UI, filterDraft: 'bu' }, info, 120).text, /^filter: bu_/);
});

test('a frame fits its terminal: the table slice, the clamped scroll', () => {
  const d = new Dashboard(['a']);
  d.addSample(0, parseStats(fixture('busy')), 0);
  const frame = composeFrame(d, { ...INITIAL_UI, collapseCheap: false, scroll: 1000 }, { width: 100, height: 24 }, 1000, 0);
  const visible = frame.panes.table.height - 1;
  assert.equal(frame.tableRows.length, visible);
  assert.equal(frame.scroll, 50 - visible);
  assert.ok(frame.tableRows.every((l) => l.text.length <= 100));
  assert.equal(frame.help, null);
  const none = composeFrame(d, { ...INITIAL_UI, filter: 'zzz' }, { width: 100, height: 24 }, 1000, 0);
  assert.deepEqual(
    none.tableRows.map((l) => l.text),
    ['no worker matches "zzz" (/ changes it, Esc clears it)'],
  );
});
