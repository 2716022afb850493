/**
 * `tidepool top` in batch mode, run as the built CLI in a child process: what a script or a
 * CI log sees, exit statuses included.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { CLI, tempDir } from '../helpers/server.js';
import { fixture, startStatsServer, type StatsServer } from './helpers/statsServer.js';
import { formatSpawnTime } from '../../tui/view/format.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function top(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'top', ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

const servers: StatsServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function serve(doc: string): Promise<StatsServer> {
  const s = await startStatsServer(doc);
  servers.push(s);
  return s;
}

test('--once prints one uwsgitop-like table, every slot, no escape codes, and exits 0', async () => {
  const s = await serve(fixture('busy'));
  const run = await top('--once', s.address);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  assert.ok(!run.stdout.includes('\x1b'), 'plain text');
  const lines = run.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^uWSGI 2\.0\.21-debian - master 7563 - /);
  assert.equal(lines[1], 'workers 14 running (14 busy, 0 idle), 36 cheap, 50 max - lq 0 - req 47 - RPS - - exc 0 - tx 4.2K');
  assert.equal(lines[3], ' WID     %     PID     REQ    RPS   EXC  SIG STATUS       AVG    RSS    VSZ     TX ReSpwn  HC    RunT LastSpwn');
  assert.equal(lines.length, 4 + 50);
  // LastSpwn is the clock time on the day of the spawn and the date after it: the fixture ages.
  const spawned = formatSpawnTime((JSON.parse(fixture('busy')) as { workers: { last_spawn: number }[] }).workers[0]!.last_spawn, Date.now());
  assert.equal(lines[4], `   1  10.6    8070       5      -     0    0 busy       2.91s      -      -    455      2   0   15.0s ${spawned}`);
  assert.match(lines.at(-1)!, /^ {2}50 {3}0\.0 {7}- {7}0 .* cheap /);
});

test('-n 2 prints two frames one interval apart; the second knows the RPS', async () => {
  const s = await serve(fixture('idle'));
  const run = await top('-n', '2', '--frequency', '0.2', s.address);
  assert.equal(run.code, 0, run.stderr);
  const frames = run.stdout.trimEnd().split('\n\n');
  assert.equal(frames.length, 2);
  assert.match(frames[0]!, / RPS - - exc/);
  assert.match(frames[1]!, / RPS 0 - exc/);
});

test('--json prints the parsed snapshot as one JSON line', async () => {
  const s = await serve(fixture('after-cheaping'));
  const run = await top('--json', s.address);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1);
  const snap = JSON.parse(lines[0]!);
  assert.equal(snap.counts.idle, 5);
  assert.equal(snap.isTidepool, false);
  assert.equal(snap.stats.workers.length, 50);
});

test('an address that cannot be read: exit 1, a clear message on stderr, the others still printed', async () => {
  const s = await serve(fixture('idle'));
  const dir = tempDir();
  const missing = path.join(dir, 'stats.sock');
  const run = await top('--once', s.address, missing);
  fs.rmSync(dir, { recursive: true });
  assert.equal(run.code, 1);
  assert.equal(
    run.stderr,
    `tidepool top: cannot read ${missing}: no such socket file: is the server running, with its stats option set to this path? (ENOENT)\n`,
  );
  assert.match(run.stdout, /^2 servers, 1 up, 1 DOWN/);
  assert.match(run.stdout, /stats\.sock: DOWN - no such socket file/);
  assert.match(run.stdout, /^HOST +WID/m);
});

test('a bad command line: exit 2 and what was wrong', async () => {
  const none = await top('--once');
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^tidepool top: Expected at least one stats address/);
  const freq = await top('--frequency', 'abc', '--once', '/x.sock');
  assert.equal(freq.code, 2);
  assert.equal(freq.stderr, 'tidepool top: Expected `--frequency` to be a number of seconds greater than 0, got "abc"\n');
  const addr = await top('--once', 'localhost:http');
  assert.equal(addr.code, 2);
  assert.match(addr.stderr, /Expected the stats address as HOST:PORT with a numeric port, got "localhost:http"/);
  const unknown = await top('--bogus', '/x.sock');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown option '--bogus'/);
});

test('the interactive view refuses a stdout that is not a terminal, and says what to use', async () => {
  const run = await top('/x.sock');
  assert.equal(run.code, 2);
  assert.equal(run.stderr, 'tidepool top: stdout is not a terminal; use --once, -n N or --json for plain output\n');
});
