/**
 * End to end, as a person would use it: `tidepool top STATS.sock` in a real terminal (a
 * detached tmux session of our own) watching a real tidepool master under load. capture-pane
 * shows the screen, send-keys types, and after q the terminal must be as it was.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { LoadResult } from '../helpers/load.js';
import { CLI, pidAlive, REPO, stopAll, tempDir, waitFor } from '../helpers/server.js';
import { readPool, readTable, type Table } from './helpers/dashboardText.js';
import { LIVE_SLOTS, loadServer, startLiveServer } from './helpers/liveServer.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const skip = hasTmux ? false : 'tmux is not installed (apt-get install -y tmux; CI installs it)';

// A tmux server of our own on a socket in a temp dir (tmux leaves its socket file behind),
// without the user's config: never a user's sessions.
const TMUX_DIR = tempDir('tidepool-tmux-');
const TMUX_SOCKET = path.join(TMUX_DIR, 'tmux.sock');
const SESSION = `live-top-${process.pid}`;
const env = { ...process.env, LANG: 'C.UTF-8' };

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-S', TMUX_SOCKET, '-f', '/dev/null', ...args], { env, encoding: 'utf8' });
}

after(async () => {
  if (hasTmux) spawnSync('tmux', ['-S', TMUX_SOCKET, 'kill-server']);
  fs.rmSync(TMUX_DIR, { recursive: true, force: true });
  await stopAll();
});

const SGR = /\x1b\[[\d;]*m/g;

interface Capture {
  /** The pane as text. */
  lines: string[];
  /** The same capture with its colours, as SGR escapes. */
  styled: string[];
}

/** One capture of the pane, with colours (-e); the text is the same capture without them. */
function capture(): Capture {
  const styled = tmux('capture-pane', '-p', '-e', '-t', SESSION).split('\n');
  return { styled, lines: styled.map((l) => l.replace(SGR, '')) };
}

function waitForPane<T>(what: string, check: (c: Capture) => T | null | undefined | false, timeoutMs = 20_000): Promise<T> {
  return waitFor(`${what} in tmux session ${SESSION}`, () => check(capture()), timeoutMs).catch((err: Error) => {
    throw new Error(`${err.message}; the pane shows:\n${capture().lines.join('\n')}`);
  });
}

function paneFormat(format: string): string {
  return tmux('display-message', '-p', '-t', SESSION, format).trim();
}

/** The column's cells as numbers, table order. */
function column(table: Table, index: number): number[] {
  return table.rows.map((r) => Number(r.fields[index]));
}

const isSorted = (xs: number[], descending: boolean) => xs.every((x, i) => i === 0 || (descending ? xs[i - 1]! >= x : xs[i - 1]! <= x));

test('in tmux under load: busy workers and spawns on screen, s sorts, ? helps, q gives the terminal back', { skip, timeout: 120_000 }, async () => {
  const server = await startLiveServer();
  // What a person types, with absolute paths; then the shell says how it ended and stays, to be seen.
  const command = `'${process.execPath}' '${CLI}' top '${server.stats}'; echo "top exited with status $?"; exec sh`;
  tmux('new-session', '-d', '-s', SESSION, '-x', '200', '-y', '50', '-c', REPO, command);
  try {
    await waitForPane('the header and one idle worker', ({ lines }) => {
      const pool = readPool(lines);
      return lines[0]?.startsWith(`tidepool 0.1.0 - master ${server.pid} - `) && pool?.running === 1 && pool.idle === 1;
    });
    const dashboard = Number(
      execFileSync('ps', ['-o', 'pid=', '--ppid', paneFormat('#{pane_pid}')], { encoding: 'utf8' })
        .trim()
        .split(/\s+/)[0],
    );
    assert.ok(pidAlive(dashboard), `the dashboard runs as pid ${dashboard}`);
    assert.equal(paneFormat('#{alternate_on}'), '1', 'the dashboard draws on the alternate screen');

    const load = loadServer(server);
    let result: LoadResult;
    try {
      // A capture can fall between two writes of a frame: wait for one whose header and table agree.
      const busy = await waitForPane(
        'busy workers, their spawn events, header and table in agreement',
        (c) => {
          const pool = readPool(c.lines);
          const table = readTable(c.lines);
          if (pool === null || table === null || pool.running < 2 || pool.busy < 2) return null;
          const spawned = c.lines.some((l) => /w\d spawn +scale-up \(busyness\): busyness: /.test(l));
          const agree =
            table.rows.length === pool.running &&
            table.rows.filter((r) => r.status === 'busy').length === pool.busy &&
            table.folded.length === 1 &&
            table.folded[0]!.text.startsWith(`  ${pool.cheap} cheap slots (`);
          return spawned && agree ? { c, pool, table } : null;
        },
        30_000,
      );
      const { pool, table } = busy;
      assert.equal(pool.cheap, LIVE_SLOTS - pool.running, 'the slots not running are cheap');
      for (const r of table.rows.filter((row) => row.status === 'busy')) {
        assert.match(busy.c.styled[r.y]!, /^\x1b\[32m +\d+ /, `busy rows are green: ${JSON.stringify(busy.c.styled[r.y])}`);
      }
      // tmux's TERM (tmux-256color) has 256 colours: borders in gray, nothing drawn in black.
      assert.ok(
        busy.c.styled.some((l) => /\x1b\[90m┌─/.test(l)),
        'box borders in gray',
      );
      assert.ok(!busy.c.styled.some((l) => /\x1b\[(?:\d+;)*30(?:;\d+)*m/.test(l)), 'nothing in black (invisible on a dark terminal)');

      // s: the next sort column (WID, then PID, then REQ); the table follows in the same frame.
      tmux('send-keys', '-t', SESSION, 's');
      await waitForPane('sort by PID, ascending', ({ lines }) => {
        const t = readTable(lines);
        return lines.some((l) => /^sort PID asc \| every 1s/.test(l)) && t !== null && t.rows.length >= 2 && isSorted(column(t, 2), false);
      });
      tmux('send-keys', '-t', SESSION, 's');
      await waitForPane('sort by REQ, descending', ({ lines }) => {
        const t = readTable(lines);
        return lines.some((l) => /^sort REQ desc \| every 1s/.test(l)) && t !== null && t.rows.length >= 2 && isSorted(column(t, 3), true);
      });

      // ?: the keys, over the dashboard; any key closes them without acting (x would sort by TX).
      tmux('send-keys', '-t', SESSION, '?');
      const help = await waitForPane('the help', ({ lines }) => (lines.some((l) => /tidepool top: keys/.test(l)) ? lines : null));
      assert.ok(help.some((l) => /s +next sort column/.test(l)) && help.some((l) => /q, Ctrl-C +quit/.test(l)), 'the keys are listed');
      tmux('send-keys', '-t', SESSION, 'x');
      await waitForPane(
        'the help closed, the sort unchanged',
        ({ lines }) => !lines.some((l) => /tidepool top: keys/.test(l)) && lines.some((l) => /^sort REQ desc/.test(l)),
      );
    } finally {
      result = await load.stop();
    }
    assert.deepEqual(result.failed, [], 'no request failed under load');

    await waitForPane('every worker idle after the load', ({ lines }) => {
      const pool = readPool(lines);
      return pool !== null && pool.busy === 0 && readTable(lines)?.rows.every((r) => r.status === 'idle');
    });

    // q: the dashboard exits 0 and the terminal is as the shell left it.
    tmux('send-keys', '-t', SESSION, 'q');
    const closed = await waitForPane('the shell after the dashboard', ({ lines }) => (lines.some((l) => /top exited with status \d+/.test(l)) ? lines : null));
    assert.ok(
      closed.some((l) => l === 'top exited with status 0'),
      `exit status 0:\n${closed.join('\n')}`,
    );
    assert.ok(!closed.some((l) => /WID|cheap slots|busy %|tidepool 0\.1\.0/.test(l)), `nothing of the dashboard is left:\n${closed.join('\n')}`);
    await waitFor('the dashboard process to be gone', () => !pidAlive(dashboard), 5000);
    await waitFor('the shell in the pane', () => paneFormat('#{pane_current_command}') === 'sh', 5000);
    assert.equal(
      paneFormat('#{alternate_on} #{cursor_flag} #{keypad_flag} #{keypad_cursor_flag} #{mouse_any_flag}'),
      '0 1 0 0 0',
      'normal screen, cursor shown, keypad and mouse modes off (alternate_on cursor_flag keypad_flag keypad_cursor_flag mouse_any_flag)',
    );
  } finally {
    if (hasTmux) spawnSync('tmux', ['-S', TMUX_SOCKET, 'kill-session', '-t', SESSION]);
  }
});
