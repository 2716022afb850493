/**
 * The real dashboard on a virtual screen, reading the stats socket of a real tidepool master
 * while clients load it: what a person would see as the pool grows and calms down.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { LoadResult } from '../helpers/load.js';
import { stopAll, waitFor } from '../helpers/server.js';
import { readPool, readTable, type Pool, type Table } from './helpers/dashboardText.js';
import { LIVE_CLIENTS, LIVE_SLOTS, loadServer, startLiveServer } from './helpers/liveServer.js';
import { startVirtualTerminal, type VirtualTerminal } from './helpers/virtualTerminal.js';

// xterm's 256-colour numbers as blessed stores them.
const GREEN = 2;
const MAGENTA = 5;

const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  await stopAll();
});

/** Polls the screen until `check` returns something; on timeout the error shows the screen. */
/** One frame of the dashboard under load: the header's counts, the table, and the colours of its rows. */
interface LoadedFrame {
  pool: Pool;
  table: Table;
  lines: string[];
  fg: (number | null)[];
  foldedFg: (number | null)[];
}

function untilScreen<T>(t: VirtualTerminal, what: string, check: (lines: string[]) => T | null | undefined | false, timeoutMs = 20_000): Promise<T> {
  return waitFor(what, () => check(t.lines()), timeoutMs).catch((err: Error) => {
    throw new Error(`${err.message}; the screen shows:\n${t.lines().join('\n')}`);
  });
}

test('a live tidepool under load: busy rows in green, spawn events with reasons, folded cheap slots, then idle again', { timeout: 120_000 }, async () => {
  const server = await startLiveServer();
  const t = startVirtualTerminal([server.stats], { intervalMs: 250 });
  cleanups.push(() => t.close());

  // The header names the server (tidepool's own version, the master's pid) and how it scales.
  await t.waitForLine(new RegExp(`^tidepool 0\\.1\\.0 - master ${server.pid} - up \\S+ - `), 20_000);
  await t.waitForLine(new RegExp(`^scaling busyness 1\\.\\.${LIVE_SLOTS} step 1 - last: `));

  // Before the load: one idle worker, the other slots folded into one magenta line.
  const quiet = await untilScreen(t, 'one idle worker and the folded cheap slots', (lines) => {
    const pool = readPool(lines);
    const table = readTable(lines);
    return pool?.running === 1 && pool.idle === 1 && table?.folded.length === 1 ? table : null;
  });
  assert.equal(quiet.rows.length, 1);
  assert.match(quiet.rows[0]!.text, /^ +1 .* idle /);
  assert.match(quiet.folded[0]!.text, new RegExp(`^ +${LIVE_SLOTS - 1} cheap slots \\(2-${LIVE_SLOTS}\\), press c to list them`));
  assert.equal(t.cell(quiet.folded[0]!.text.search(/\d/), quiet.folded[0]!.y).fg, MAGENTA, 'the folded cheap line is magenta');
  await t.waitForLine(/ w1 spawn +initial/);
  await t.waitForLine(/ w1 ready +model loaded in \d+ ms/);

  const load = loadServer(server);
  let loaded: LoadedFrame | undefined;
  let result: LoadResult;
  try {
    // The scaler's decision and each spawn are in the event log, with the reason the server gave.
    await t.waitForLine(/ decision +spawn \d+: busyness: /, 20_000);
    await t.waitForLine(/ w\d spawn +scale-up \(busyness\): busyness: /);

    loaded = await untilScreen(
      t,
      'several busy workers, the rest of the slots folded',
      (lines) => {
        const pool = readPool(lines);
        const table = readTable(lines);
        if (pool === null || table === null || pool.running < 2 || pool.busy < 2) return null;
        // Colours from the same frame: the next poll may already show other rows.
        const fg = (x: number, y: number) => t.cell(x, y).fg;
        return { pool, table, lines, fg: table.rows.map((r) => fg(table.statusX, r.y)), foldedFg: table.folded.map((r) => fg(r.text.search(/\d/), r.y)) };
      },
      30_000,
    );
  } finally {
    // Stopped whatever happened; judged after, so a failure above is not hidden by this one.
    result = await load.stop();
  }
  assert.deepEqual(result.failed, [], 'no request failed under load');
  assert.ok(result.ok > 0, 'the load was served');

  // One frame: the header's counts and the table agree, busy rows are green, cheap slots fold.
  assert.ok(loaded !== undefined);
  const { pool, table, fg, foldedFg, lines } = loaded;
  const shown = lines.join('\n');
  assert.equal(table.rows.filter((r) => r.status === 'busy').length, pool.busy, `a busy row for each busy worker:\n${shown}`);
  assert.equal(table.rows.length, pool.running, `a row for each running worker:\n${shown}`);
  table.rows.forEach((row, i) => {
    if (row.status === 'busy') assert.equal(fg[i], GREEN, `busy row in green: ${row.text}`);
    else assert.notEqual(fg[i], GREEN, `only busy rows are green: ${row.text}`);
  });
  assert.ok(!table.rows.some((r) => r.status === 'cheap'), 'no cheap slot has a row of its own');
  assert.ok(pool.cheap > 0, `${LIVE_CLIENTS} clients cannot need all ${LIVE_SLOTS} slots, yet ${pool.running} run`);
  assert.equal(table.folded.length, 1, 'the cheap slots fold into one line');
  assert.match(table.folded[0]!.text, new RegExp(`^ +${pool.cheap} cheap slots \\(`));
  assert.equal(foldedFg[0], MAGENTA, 'the folded cheap line is magenta');
  assert.ok(lines.some((l) => /busy %/.test(l)) && lines.some((l) => /requests\/s/.test(l)), 'the bars and charts panes');

  // The load is over: every running worker is idle again (cheaping takes tens of seconds more).
  const calm = await untilScreen(t, 'every worker idle again', (lines) => {
    const p = readPool(lines);
    const tb = readTable(lines);
    if (p === null || tb === null || p.busy !== 0 || p.running < 2) return null;
    return tb.rows.every((r) => r.status === 'idle') ? tb : null;
  });
  assert.ok(calm.rows.length >= 2, 'the spawned workers are still there, idle');
  for (const row of calm.rows) assert.notEqual(t.cell(calm.statusX, row.y).fg, GREEN, `an idle row is not green: ${row.text}`);

  t.press('q');
  assert.equal(await t.app.done, 0);
  assert.ok(t.written().includes('\x1b[?1049l'), 'left the alternate screen');
});
