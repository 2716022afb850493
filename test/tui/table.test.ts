import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStats } from '../../core/stats/parseStats.js';
import { Dashboard } from '../../tui/model/dashboard.js';
import { COLUMNS, formatTableLine, selectColumns, sortRows } from '../../tui/view/columns.js';
import { displayRows, filterRows, statusOf, workerRows, type DisplayRow } from '../../tui/view/workerRows.js';
import { tableHeading, tableLines } from '../../tui/view/workerTable.js';
import { fixture, type FixtureName } from './helpers/statsServer.js';

function dashboardOf(...names: FixtureName[]): Dashboard {
  const d = new Dashboard(names.map((_, i) => ['one.sock', 'two.sock'][i]!));
  names.forEach((n, i) => d.addSample(i, parseStats(fixture(n)), 1000));
  return d;
}

const ids = (rows: readonly { slot: number }[]) => rows.map((r) => r.slot);

test("uwsgitop's columns in its order, all of them on a wide screen", () => {
  assert.equal(
    tableHeading(selectColumns(200, false)),
    ' WID     %     PID     REQ    RPS   EXC  SIG STATUS       AVG    RSS    VSZ     TX ReSpwn  HC    RunT LastSpwn',
  );
  assert.equal(selectColumns(200, true)[0]!.title, 'HOST');
});

test('narrow screens drop the least useful columns first and never exceed the width', () => {
  const titles = (w: number) => selectColumns(w, false).map((c) => c.title);
  assert.deepEqual(
    titles(100).filter((t) => !titles(200).includes(t)),
    [],
  );
  assert.ok(!titles(100).includes('SIG') && !titles(100).includes('VSZ'), 'SIG and VSZ go first');
  assert.deepEqual(titles(40), ['WID', 'PID', 'REQ', 'RPS', 'STATUS']);
  for (const width of [20, 40, 60, 80, 100, 120]) {
    const heading = tableHeading(selectColumns(width, false));
    assert.ok(heading.length <= width, `${width}: ${heading.length}`);
  }
  const rows = workerRows(dashboardOf('busy'));
  for (const line of tableLines(displayRows(dashboardOf('busy'), rows, { collapseCheap: true, showCores: true }), selectColumns(60, false), 0, 60)) {
    assert.ok(line.text.length <= 60, line.text);
  }
});

test('rows carry uwsgitop units: AVG ms from microseconds, RunT from microseconds, % share of requests', () => {
  const rows = workerRows(dashboardOf('busy'));
  const columns = COLUMNS.filter((c) => c.id !== 'host');
  const cells = (slot: number) => columns.map((c) => c.cell(rows[slot - 1]!, 1795524280_000));
  // Slot 4: 7 of 47 requests, avg_rt 2969424 us, running_time 18048572 us, tx 636.
  assert.deepEqual(cells(4).slice(0, 10), ['4', '14.9', '7569', '7', '-', '0', '0', 'busy', '2.97s', '-']);
  assert.equal(cells(4)[columns.findIndex((c) => c.id === 'runt')], '18.0s');
  assert.equal(cells(4)[columns.findIndex((c) => c.id === 'tx')], '636');
  assert.equal(cells(20)[columns.findIndex((c) => c.id === 'pid')], '-');
});

test('sorting by a column, ties by slot; descending puts the biggest first', () => {
  const rows = workerRows(dashboardOf('busy')).filter((r) => r.kind !== 'cheap');
  assert.deepEqual(ids(sortRows(rows, 'req', true)).slice(0, 5), [4, 5, 1, 2, 3]);
  assert.deepEqual(ids(sortRows(rows, 'req', false)).slice(0, 3), [12, 13, 14]);
  assert.deepEqual(ids(sortRows(rows, 'wid', false)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  const all = workerRows(dashboardOf('after-cheaping'));
  assert.deepEqual(ids(sortRows(all, 'status', true)).slice(0, 5), [16, 17, 18, 19, 20], 'idle before cheap');
});

test('filter by status, status prefix, slot, slot range, pid, host; several words = any', () => {
  const rows = workerRows(dashboardOf('busy', 'after-cheaping'));
  assert.equal(filterRows(rows, 'busy').length, 14);
  assert.equal(filterRows(rows, 'bu').length, 14);
  assert.deepEqual(ids(filterRows(rows, 'idle')), [16, 17, 18, 19, 20]);
  assert.equal(filterRows(rows, 'running').length, 19);
  assert.deepEqual(ids(filterRows(rows, '3-5')), [3, 4, 5, 3, 4, 5]);
  assert.deepEqual(ids(filterRows(rows, '7569')), [4]);
  assert.equal(filterRows(rows, 'two').length, 50);
  assert.deepEqual(ids(filterRows(rows, 'idle, 2')), [2, 2, 16, 17, 18, 19, 20]);
  assert.equal(filterRows(rows, '').length, 100);
  assert.equal(filterRows(rows, 'nothing-matches').length, 0);
});

test('cheap slots fold into one line per host, listing their ids; c shows them', () => {
  const d = dashboardOf('after-cheaping');
  const rows = workerRows(d);
  const folded = displayRows(d, rows, { collapseCheap: true, showCores: false });
  assert.equal(folded.length, 6);
  const last = folded.at(-1) as Extract<DisplayRow, { type: 'cheap' }>;
  assert.equal(last.type, 'cheap');
  assert.equal(last.slots.length, 45);
  const text = tableLines(folded, selectColumns(150, false), 0, 150).map((l) => l.text);
  assert.equal(text.at(-1), '  45 cheap slots (1-15,21-50), press c to list them');
  assert.equal(displayRows(d, rows, { collapseCheap: false, showCores: false }).length, 50);
});

test('per-core rows say what a core is doing', () => {
  const d = dashboardOf('busy');
  const rows = displayRows(d, workerRows(d).slice(0, 1), { collapseCheap: true, showCores: true });
  assert.deepEqual(
    rows.map((r) => r.type),
    ['worker', 'core'],
  );
  const core = tableLines(rows, selectColumns(200, false), 1795524280_000, 200)[1]!;
  assert.match(core.text, /^ {4}1\.0: 5 req, in request since \d\d:\d\d:\d\d \(2s ago\): GET \/predict\?text=the\+oil.* from 127\.0\.0\.1$/);
});

test('status words: loading for a worker not yet accepting, cheaping from tidepool', () => {
  const w = parseStats(fixture('idle')).stats.workers[0]!;
  assert.deepEqual(statusOf(w), { status: 'idle', kind: 'idle' });
  assert.deepEqual(statusOf({ ...w, accepting: 0 }), { status: 'loading', kind: 'loading' });
  assert.deepEqual(statusOf({ ...w, status: 'sig9' }), { status: 'sig9', kind: 'sig' });
  assert.deepEqual(
    statusOf({
      ...w,
      status: 'busy',
      tidepool: { ready: true, in_flight: 1, cheaping: true, last_exit: null, spawn_to_ready_ms: 1, spawn_reason: '', batches: 0, batched_texts: 0 },
    }),
    { status: 'cheaping', kind: 'cheaping' },
  );
});

test('a line is padded per column and right-aligned numbers line up', () => {
  const cols = selectColumns(200, false).slice(0, 3);
  assert.equal(formatTableLine(['7', '12.5', '4242'], cols), '   7  12.5    4242');
});
