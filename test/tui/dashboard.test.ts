import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PoolEvent } from '../../core/stats/schema.js';
import { parseStats } from '../../core/stats/parseStats.js';
import { Dashboard } from '../../tui/model/dashboard.js';
import { EventLog } from '../../tui/model/eventLog.js';
import { headerLines } from '../../tui/view/header.js';
import { fixture } from './helpers/statsServer.js';
import { tidepoolDocument } from './helpers/tidepoolDoc.js';

const ev = (seq: number, at: number, type: PoolEvent['type'] = 'spawn', worker = 1): PoolEvent => ({ seq, at, type, worker, reason: `event ${seq}` });
const snapshot = (doc: unknown) => parseStats(JSON.stringify(doc), 'tp.sock');

test('server events are deduplicated by seq, whichever way they came', () => {
  const log = new EventLog();
  assert.equal(log.addServerEvents('a', [ev(1, 100), ev(2, 200)]), 2);
  assert.equal(log.addServerEvents('a', [ev(2, 200), ev(3, 300)]), 1);
  assert.equal(log.addServerEvents('b', [ev(1, 150)]), 1, 'another host has its own numbering');
  assert.deepEqual(
    log.entries().map((e) => `${e.host}${e.seq}`),
    ['a1', 'b1', 'a2', 'a3'],
  );
  log.forgetSequence('a');
  assert.equal(log.addServerEvents('a', [ev(1, 400)]), 1, 'a restarted master counts from 1 again');
});

test('the log keeps time order for late events and stays bounded', () => {
  const log = new EventLog(3);
  log.addServerEvents('a', [ev(1, 100), ev(3, 300)]);
  log.addServerEvents('a', [ev(2, 200)]);
  assert.deepEqual(
    log.entries().map((e) => e.seq),
    [1, 2, 3],
  );
  log.addServerEvents('a', [ev(4, 400)]);
  assert.deepEqual(
    log.entries().map((e) => e.seq),
    [2, 3, 4],
  );
});

test('a tidepool document feeds its own events; a uWSGI one gets them derived', () => {
  const d = new Dashboard(['tp.sock', 'uwsgi.sock']);
  d.addSample(0, snapshot(tidepoolDocument('idle', [ev(1, 1000), ev(2, 2000, 'ready')])), 10);
  d.addSample(0, snapshot(tidepoolDocument('busy', [ev(2, 2000, 'ready'), ev(3, 3000, 'decision')])), 20);
  d.addSample(1, parseStats(fixture('idle')), 10);
  d.addSample(1, parseStats(fixture('busy')), 20);
  const fromTp = d.events.entries().filter((e) => e.host === 'tp.sock');
  assert.deepEqual(
    fromTp.map((e) => e.seq),
    [1, 2, 3],
    'no worker diff for a server that reports events',
  );
  const derived = d.events.entries().filter((e) => e.host === 'uwsgi.sock');
  assert.equal(derived.filter((e) => e.type === 'spawn').length, 12);
  assert.ok(derived.every((e) => e.seq === null));
});

test('an address that fails is DOWN with the reason, logged once, and back when it answers', () => {
  const d = new Dashboard(['a.sock']);
  d.addFailure(0, 'connection refused (ECONNREFUSED)', 1000);
  d.addFailure(0, 'connection refused (ECONNREFUSED)', 2000);
  const h = d.hosts[0]!;
  assert.equal(h.state, 'down');
  assert.equal(h.downSinceMs, 1000);
  assert.deepEqual(
    d.events.entries().map((e) => `${e.type}: ${e.reason}`),
    ['down: connection refused (ECONNREFUSED)'],
  );
  assert.match(headerLines(d, 3000, 200)[0]!.text, /^a\.sock: DOWN - connection refused \(ECONNREFUSED\) \(retrying\)$/);
  d.addSample(0, parseStats(fixture('idle')), 3000);
  assert.equal(h.state, 'up');
  assert.equal(d.events.entries().at(-1)!.type, 'up');
});

test('totals add up the hosts that answer', () => {
  const d = new Dashboard(['a', 'b', 'c']);
  d.addSample(0, parseStats(fixture('busy')), 1);
  d.addSample(1, parseStats(fixture('idle')), 1);
  d.addFailure(2, 'no such socket file', 1);
  const t = d.totals();
  assert.deepEqual(
    { up: t.hostsUp, running: t.running, busy: t.busy, idle: t.idle, cheap: t.cheap, slots: t.slots, requests: t.requests },
    { up: 2, running: 19, busy: 14, idle: 5, cheap: 81, slots: 100, requests: 48 },
  );
});

test('the header says version, master, workers, queue, totals, and scaling when the server tells it', () => {
  const now = 1795524280_000;
  const uwsgi = new Dashboard(['u.sock']);
  uwsgi.addSample(0, parseStats(fixture('busy')), now);
  const [first, second, third] = headerLines(uwsgi, now, 300).map((l) => l.text);
  assert.match(first!, /^uWSGI 2\.0\.21-debian - master 7563 - \d\d:\d\d:\d\d$/);
  assert.equal(second, 'workers 14 running (14 busy, 0 idle), 36 cheap, 50 max - lq 0 - req 47 - RPS - - exc 0 - tx 4.2K');
  assert.match(third!, /scaling not reported/);

  const tp = new Dashboard(['t.sock']);
  tp.addSample(0, snapshot(tidepoolDocument('busy')), now);
  const lines = headerLines(tp, now, 300).map((l) => l.text);
  assert.match(lines[0]!, /^tidepool 0\.1\.0 - master 7563 - up 1m20s - wasm \(tfjs 4\.22\.0, 2 threads\)/);
  assert.equal(lines[2], 'scaling spare 5..50 step 3 - last: spawn 3, all 11 running workers busy for 3 checks, 3s ago - queue 4/100');
  assert.ok(
    headerLines(tp, now, 40).every((l) => l.text.length <= 40),
    'cut to the width',
  );
  const shared = tidepoolDocument('busy');
  shared.tidepool!.queue.accept = 'workers';
  const sharedView = new Dashboard(['w.sock']);
  sharedView.addSample(0, snapshot(shared), now);
  assert.match(headerLines(sharedView, now, 300)[2]!.text, / - queue 4\/100, workers accept$/, 'who accepts, when the workers do');
});

test('several hosts: a line per host, DOWN in words', () => {
  const d = new Dashboard(['a.sock', 'b.sock']);
  d.addSample(0, parseStats(fixture('busy')), 1);
  d.addFailure(1, 'connection refused: nothing listens on this socket file (ECONNREFUSED)', 1);
  const text = headerLines(d, 1, 300).map((l) => l.text);
  assert.match(text[0]!, /^2 servers, 1 up, 1 DOWN - /);
  assert.match(text[1]!, /^total: workers 14 running/);
  assert.match(text[2]!, /^a\.sock: uWSGI 2\.0\.21-debian - master 7563 - 14\/50 running, 14 busy - RPS -$/);
  assert.equal(text[3], 'b.sock: DOWN - connection refused: nothing listens on this socket file (ECONNREFUSED) (retrying)');
});
