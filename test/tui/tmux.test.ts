/**
 * The dashboard in a real terminal: a detached tmux session runs the built CLI against a
 * fixture-serving socket; capture-pane shows what a person would see, send-keys types.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import { CLI, waitFor } from '../helpers/server.js';
import { fixture, startStatsServer, type StatsServer } from './helpers/statsServer.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const skip = hasTmux ? false : 'tmux is not installed (apt-get install -y tmux)';

// A tmux server of our own, so the test never touches a user's sessions.
const TMUX_SOCKET = `tidepool-test-${process.pid}`;
const env = { ...process.env, LANG: 'C.UTF-8', TERM: 'xterm-256color' };

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', TMUX_SOCKET, ...args], { env, encoding: 'utf8' });
}

const servers: StatsServer[] = [];
after(async () => {
  if (hasTmux) spawnSync('tmux', ['-L', TMUX_SOCKET, 'kill-server']);
  await Promise.all(servers.map((s) => s.close()));
});

/** Starts `tidepool top ADDR` in a 160x45 session; the shell reports its exit status after it. */
function startSession(name: string, address: string): void {
  const command = `'${process.execPath}' '${CLI}' top '${address}'; echo "EXITED $?"; sleep 60`;
  tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '45', command);
}

function screen(name: string): string {
  return tmux('capture-pane', '-p', '-t', name);
}

function waitForScreen(name: string, re: RegExp, timeoutMs = 10_000): Promise<string> {
  return waitFor(
    `${re} in tmux session ${name}`,
    () => {
      const text = screen(name);
      return re.test(text) ? text : null;
    },
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; the pane shows:\n${screen(name)}`);
  });
}

/** The dashboard's pid: the child of the pane's shell. */
function dashboardPid(name: string): number {
  const shell = tmux('display-message', '-p', '-t', name, '#{pane_pid}').trim();
  const child = execFileSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' }).trim().split(/\s+/)[0];
  assert.ok(child, `no child of the pane's shell ${shell}`);
  return Number(child);
}

test('in tmux: draws the fixtures with real line-drawing characters, follows keys, q restores the terminal', { skip }, async () => {
  const server = await startStatsServer(fixture('idle'));
  servers.push(server);
  startSession('top', server.address);

  const first = await waitForScreen('top', /workers 5 running \(0 busy, 5 idle\), 45 cheap, 50 max/);
  assert.match(first, /^ WID +% +PID +REQ +RPS +EXC +SIG STATUS +AVG +RSS +VSZ +TX ReSpwn +HC +RunT LastSpwn/m);
  assert.match(first, /45 cheap slots \(6-50\), press c to list them/);
  assert.match(first, /┌─ busy % ─+┐/, 'box lines drawn as UTF-8, not as ACS letters');
  assert.doesNotMatch(first, /lqq|qqk/);

  server.setDocument(fixture('busy'));
  const busy = await waitForScreen('top', /workers 14 running \(14 busy, 0 idle\), 36 cheap/);
  assert.match(busy, /^ +1 +10\.6 +8070 +5 .* busy /m);
  await waitForScreen('top', /w14 ready +accepting requests/);

  tmux('send-keys', '-t', 'top', 'r');
  const sorted = await waitForScreen('top', /sort REQ desc/);
  const firstRow = sorted.split('\n').find((l) => /^ +\d+ +[\d.]+ +\d+ /.test(l));
  assert.match(firstRow!, /^ +4 +14\.9 +7569 +7 /, 'the slot with most requests first');

  tmux('send-keys', '-t', 'top', 'q');
  const closed = await waitForScreen('top', /EXITED 0/);
  assert.doesNotMatch(closed, /WID|cheap slots/, 'the alternate screen is gone');
});

test('in tmux: Ctrl-C and SIGTERM close the dashboard and give the terminal back', { skip }, async () => {
  const server = await startStatsServer(fixture('busy'));
  servers.push(server);

  startSession('ctrlc', server.address);
  await waitForScreen('ctrlc', /workers 14 running/);
  tmux('send-keys', '-t', 'ctrlc', 'C-c');
  assert.doesNotMatch(await waitForScreen('ctrlc', /EXITED 0/), /WID/);

  startSession('term', server.address);
  await waitForScreen('term', /workers 14 running/);
  process.kill(dashboardPid('term'), 'SIGTERM');
  assert.doesNotMatch(await waitForScreen('term', /EXITED 143/), /WID/);
});

test('in tmux: a wrong address shows DOWN in words and keeps retrying until the server appears', { skip }, async () => {
  const server = await startStatsServer(fixture('idle'));
  servers.push(server);
  const missing = `${server.address}.later`;
  startSession('down', missing);
  await waitForScreen('down', /DOWN - no such socket file: is the server running, with its stats option set to this path\? \(ENOENT\)/);
  const { default: fs } = await import('node:fs');
  // A second name for the live socket: the address starts answering without a restart.
  fs.symlinkSync(server.address, missing);
  await waitForScreen('down', /workers 5 running/);
  tmux('send-keys', '-t', 'down', 'q');
  await waitForScreen('down', /EXITED 0/);
  fs.rmSync(missing);
});
