import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from '../helpers/server.js';
import { fixture, startStatsServer, type StatsServer } from './helpers/statsServer.js';
import { tidepoolDocument } from './helpers/tidepoolDoc.js';
import { startVirtualTerminal, type VirtualTerminal } from './helpers/virtualTerminal.js';

// xterm's 256-colour numbers as blessed stores them.
const GREEN = 2;
const MAGENTA = 5;

const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});
async function serve(doc: string): Promise<StatsServer> {
  const s = await startStatsServer(doc);
  cleanups.push(() => s.close());
  return s;
}
function terminal(...args: Parameters<typeof startVirtualTerminal>): VirtualTerminal {
  const t = startVirtualTerminal(...args);
  cleanups.push(() => t.close());
  return t;
}

/** The table's rows: the lines below the heading, up to the first blank one. */
function tableRows(t: VirtualTerminal): string[] {
  const lines = t.lines();
  const heading = lines.findIndex((l) => l.startsWith(' WID'));
  const rows: string[] = [];
  for (const l of lines.slice(heading + 1)) {
    if (l.slice(0, 100).trim() === '') break;
    rows.push(l);
  }
  return rows;
}

test('the real fixtures on a real socket: header, table, colours, sort, events, cheap folding, help, quit', async () => {
  const server = await serve(fixture('idle'));
  const t = terminal([server.address]);

  await t.waitForLine(/^workers 5 running \(0 busy, 5 idle\), 45 cheap, 50 max - lq 0 - req 1 - RPS/);
  assert.match(t.lines()[0]!, /^uWSGI 2\.0\.21-debian - master 7563 - \d\d:\d\d:\d\d/);
  const heading = await t.waitForLine(/^ WID {5}% {5}PID {5}REQ {4}RPS {3}EXC {2}SIG STATUS {7}AVG {4}RSS {4}VSZ {5}TX ReSpwn {2}HC {4}RunT LastSpwn/);
  assert.ok(t.cell(1, heading).inverse, 'the heading is in reverse video');
  assert.deepEqual(
    tableRows(t).map((r) => r.trim().split(/\s+/)[0]),
    ['1', '2', '3', '4', '5', '45'],
  );
  assert.match(tableRows(t)[5]!, /^ {2}45 cheap slots \(6-50\), press c to list them/);
  assert.equal(t.cell(4, heading + 6).fg, MAGENTA, 'the folded cheap line is magenta');
  assert.ok(
    t.lines().some((l) => /busy %/.test(l)),
    'the busy bars pane',
  );
  assert.ok(t.lines().some((l) => /requests\/s/.test(l)) && t.lines().some((l) => /workers/.test(l)), 'the charts');

  // 40 clients arrive: 14 busy workers, in green; the events say who spawned.
  server.setDocument(fixture('busy'));
  await t.waitForLine(/^workers 14 running \(14 busy, 0 idle\), 36 cheap/);
  const first = heading + 1;
  assert.match(t.lines()[first]!, /^ {3}1 {2}10\.6 {4}8070 {7}5 .* busy {7}2\.91s/);
  assert.equal(t.cell(3, first).fg, GREEN, 'busy rows are green');
  await t.waitForLine(/w14 ready {7}accepting requests/);
  await t.waitForLine(/w14 spawn {7}spawned: slot was cheap, now busy/);

  // r sorts by requests, biggest first (uwsgitop's fixed order); s moves on to the next column.
  t.press('r');
  await t.waitForLine(/^sort REQ desc/);
  assert.deepEqual(
    tableRows(t)
      .slice(0, 3)
      .map((r) => r.trim().split(/\s+/)[0]),
    ['4', '5', '1'],
  );
  t.press('s');
  await t.waitForLine(/^sort RPS desc/);
  t.press('i');
  await t.waitForLine(/^sort WID asc/);
  assert.equal(tableRows(t)[0]!.trim().split(/\s+/)[0], '1');

  // The load is over: the oldest workers were cheaped.
  server.setDocument(fixture('after-cheaping'));
  await t.waitForLine(/^workers 5 running \(0 busy, 5 idle\), 45 cheap/);
  await t.waitForLine(/w14 cheap-done {2}cheaped: pid 8156 stopped by the scaler/);
  assert.deepEqual(
    tableRows(t)
      .map((r) => r.trim().split(/\s+/)[0])
      .slice(0, 5),
    ['16', '17', '18', '19', '20'],
  );
  assert.match(tableRows(t)[5]!, /45 cheap slots \(1-15,21-50\)/);

  // c lists the cheap slots one per row; / filters.
  t.press('c');
  await t.waitForLine(/^ {3}1 .* cheap /);
  t.press('/idle\r');
  await t.waitForLine(/filter "idle"/);
  assert.equal(tableRows(t).length, 5);

  t.press('?');
  await t.waitForLine(/tidepool top: keys/);
  t.press('x');
  await waitGone(t, /tidepool top: keys/);

  t.press('q');
  assert.equal(await t.app.done, 0);
  const out = t.written();
  assert.ok(out.includes('\x1b[?1049l'), 'left the alternate screen');
  assert.ok(out.lastIndexOf('\x1b[?25h') > out.lastIndexOf('\x1b[?25l'), 'the cursor is shown again');
});

async function waitGone(t: VirtualTerminal, re: RegExp): Promise<void> {
  for (let i = 0; i < 100 && t.lines().some((l) => re.test(l)); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(!t.lines().some((l) => re.test(l)), `${re} still on screen`);
}

test('RPS is unknown on the first frame, then the real rate', async () => {
  const server = await serve(fixture('idle'));
  const t = terminal([server.address], { intervalMs: 60_000 });
  await t.waitForLine(/RPS - - exc/);
  assert.match(tableRows(t)[0]!, /^ {3}1 .* - {5}0 {4}0 idle/, 'the RPS cell says -, not a huge number');
  await t.close();
});

test('several addresses: a HOST column, totals, and one that is DOWN in words until it comes up', async () => {
  const one = await serve(fixture('busy'));
  const dir = tempDir();
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const later = path.join(dir, 'later.sock');
  const t = terminal([one.address, later]);
  await t.waitForLine(/^2 servers, 1 up, 1 DOWN/);
  await t.waitForLine(/later\.sock: DOWN - no such socket file: is the server running, with its stats option set to this path\? \(ENOENT\)/);
  assert.ok(t.lines().some((l) => /^total: workers 14 running/.test(l)));
  await t.waitForLine(/^HOST +WID +% +PID/);

  // The second server starts: the dashboard was retrying and picks it up.
  const { default: net } = await import('node:net');
  const second = net.createServer((c) => c.end(JSON.stringify(tidepoolDocument('idle'))));
  await new Promise<void>((resolve) => second.listen(later, resolve));
  cleanups.push(() => new Promise((resolve) => second.close(resolve)));
  await t.waitForLine(/^2 servers, 2 up/);
  await t.waitForLine(/^total: workers 19 running \(14 busy, 5 idle\), 81 cheap, 100 max/);
  await t.waitForLine(/later\.sock: tidepool 0\.1\.0 - master 7563/);
  await t.close();
});

test('a server that restarts: DOWN with the reason, then back, never a crash', async () => {
  const server = await serve('');
  const t = terminal([server.address]);
  await t.waitForLine(/DOWN - empty document \(the server closed without writing; is it starting or restarting\?\)/);
  server.setDocument('{"version": "2.0.21", "workers": [');
  await t.waitForLine(/DOWN - not valid JSON/);
  server.setDocument(fixture('idle'));
  await t.waitForLine(/^workers 5 running/);
  assert.ok(t.app.dashboard.events.entries().some((e) => e.type === 'up'));
  await t.close();
});

test('a narrow terminal drops columns instead of wrapping, and a resize redraws', async () => {
  const server = await serve(fixture('busy'));
  const t = terminal([server.address]);
  await t.waitForLine(/^workers 14 running/);
  await t.waitForLine(/VSZ .* LastSpwn/);
  t.resize(70, 24);
  // Until the dashboard redraws, blessed shows the old heading cut at 70 columns.
  const heading = await t.waitForLine(/^ WID(?!.*SIG)/);
  const text = t.lines()[heading]!;
  assert.match(text, /^ WID +PID +REQ +RPS +EXC STATUS +AVG +RSS LastSpwn *$/);
  assert.ok(
    t.lines().every((l) => l.length === 70),
    'every row is the new width',
  );
  assert.ok(!t.lines().some((l) => /requests\/s/.test(l)), 'no room for charts');
  t.press('\x1b[6~'); // PgDn
  await t.waitForLine(/rows \d+-\d+ of 15/);
  await t.close();
});

test('a tidepool server over stats-http: scaling in the header, events from the document and the live stream', async () => {
  const decision = { at: Date.now() - 2000, action: 'spawn' as const, count: 3, reason: 'all 5 busy for 3 checks' };
  const doc = JSON.stringify(
    tidepoolDocument('busy', [{ seq: 1, at: Date.now() - 5000, type: 'spawn', worker: 6, pid: 7738, reason: 'spare: all busy for 3 checks' }], {
      started_at: Math.floor(Date.now() / 1000) - 125,
      scaling: { ...tidepoolDocument('busy').tidepool!.scaling, last_decision: decision },
    }),
  );
  const live = { seq: 2, at: Date.now(), type: 'harakiri', worker: 9, pid: 8097, reason: 'request ran over 30 s: GET /predict' };
  let streams = 0;
  const server = await startStatsServer(doc, {
    mode: 'http',
    handle: (socket, request) => {
      if (!request.startsWith('GET /events ')) {
        socket.end('HTTP/1.0 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n' + doc);
        return;
      }
      streams++;
      socket.write('HTTP/1.0 200 OK\r\nContent-Type: application/x-ndjson\r\n\r\n' + JSON.stringify(live) + '\n');
    },
  });
  cleanups.push(() => server.close());
  const t = terminal([server.address], { followEvents: true, intervalMs: 60_000 });
  await t.waitForLine(/^tidepool 0\.1\.0 - master 7563 - up 2m0\ds - wasm \(tfjs 4\.22\.0, 2 threads\)/);
  await t.waitForLine(/^scaling spare 5\.\.50 step 3 - last: spawn 3, all 5 busy for 3 checks, [23]s ago - queue 4\/100/);
  await t.waitForLine(/ {2}w6 spawn {7}spare: all busy for 3 checks/);
  // One poll a minute: only the stream can bring this event now.
  await t.waitForLine(/ {2}w9 harakiri {4}request ran over 30 s: GET \/predict/);
  assert.equal(streams, 1);
  await t.close();
});

test('8-colour terminals draw borders and dim text in the default colour, not gray turned black', async () => {
  const server = await serve(fixture('idle'));
  // An SGR sequence that sets the foreground to black (30) or bright black (90).
  const sgr = (n: number) => new RegExp(`\x1b\\[(?:\\d+;)*${n}(?:;\\d+)*m`);
  const colours = async (term: string) => {
    const t = terminal([server.address], { terminal: term });
    const top = await t.waitForLine(/┌─ busy %/);
    const footer = await t.waitForLine(/^sort WID asc/);
    await new Promise((r) => setImmediate(r)); // blessed writes a frame out on the next tick
    const result = {
      border: t.cell(t.lines()[top]!.indexOf('┌'), top).fg,
      footer: t.cell(0, footer).fg,
      black: sgr(30).test(t.written()),
      gray: sgr(90).test(t.written()),
    };
    await t.close();
    return result;
  };
  // blessed gives xterm 8 colours, where it would draw gray (8) as black (0).
  assert.deepEqual(await colours('xterm'), { border: null, footer: null, black: false, gray: false });
  const GRAY = 8;
  assert.deepEqual(await colours('xterm-256color'), { border: GRAY, footer: GRAY, black: false, gray: true });
  // tmux's default TERM: blessed cannot parse its entry and falls back to 8 colours; the name says 256.
  assert.deepEqual(await colours('tmux-256color'), { border: GRAY, footer: GRAY, black: false, gray: true });
});
