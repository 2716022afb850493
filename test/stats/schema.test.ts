import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APP_KEYS, CORE_KEYS, SOCKET_KEYS, TOP_LEVEL_KEYS, WORKER_KEYS, type PoolEvent, type UwsgiStats } from '../../core/stats/schema.js';
import { parsePoolEvent, parseStats, StatsError } from '../../core/stats/parseStats.js';
import { uwsgitopProblems, uwsgitopRequired } from '../../core/stats/uwsgitop.js';
import { fixture, type FixtureName } from '../tui/helpers/statsServer.js';
import { tidepoolDocument } from '../tui/helpers/tidepoolDoc.js';

const FIXTURES: FixtureName[] = ['idle', 'busy', 'after-cheaping'];

function statusCounts(doc: UwsgiStats): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const w of doc.workers) counts[w.status] = (counts[w.status] ?? 0) + 1;
  return counts;
}

/** The first error parseStats throws for `text`. */
function parseError(text: string): StatsError {
  try {
    parseStats(text, 'test.sock');
  } catch (err) {
    assert.ok(err instanceof StatsError, `expected a StatsError, got ${String(err)}`);
    return err;
  }
  assert.fail('parseStats accepted the document');
}

test('the three real uWSGI documents read with the worker counts their README gives', () => {
  const idle = parseStats(fixture('idle'), 'idle');
  assert.deepEqual(statusCounts(idle.stats), { idle: 5, cheap: 45 });
  assert.equal(idle.counts.idle, 5);
  assert.equal(idle.counts.cheap, 45);
  assert.equal(idle.counts.running, 5);

  const busy = parseStats(fixture('busy'), 'busy');
  assert.deepEqual(statusCounts(busy.stats), { busy: 14, cheap: 36 });
  assert.equal(busy.counts.busy, 14);
  assert.equal(busy.counts.cheap, 36);
  assert.equal(busy.counts.running, 14);
  assert.equal(busy.counts.ready, 14);

  const after = parseStats(fixture('after-cheaping'), 'after');
  assert.equal(after.counts.idle, 5);
  assert.equal(after.counts.cheap, 45);
  assert.deepEqual(
    after.stats.workers.filter((w) => w.status === 'idle').map((w) => w.id),
    [16, 17, 18, 19, 20],
  );

  for (const s of [idle, busy, after]) {
    assert.equal(s.isTidepool, false);
    assert.equal(s.repaired, false);
    assert.deepEqual(s.warnings, []);
    assert.equal(s.counts.slots, 50);
  }
});

test('totals add up the workers: requests, exceptions, tx', () => {
  const busy = parseStats(fixture('busy'));
  const raw = JSON.parse(fixture('busy')) as UwsgiStats;
  assert.equal(
    busy.totals.requests,
    raw.workers.reduce((n, w) => n + w.requests, 0),
  );
  assert.equal(busy.totals.requests, 47);
  assert.equal(busy.totals.tx, 4276);
  assert.equal(busy.totals.exceptions, 0);
});

test('reading then writing a fixture gives it back, keys in uWSGI order', () => {
  for (const name of FIXTURES) {
    const text = fixture(name);
    const parsed = parseStats(text, name);
    assert.deepEqual(JSON.parse(JSON.stringify(parsed.stats)), JSON.parse(text), name);
    // deepEqual ignores key order; the writer's order is part of the format.
    assert.equal(JSON.stringify(parsed.stats), JSON.stringify(JSON.parse(text)), `${name}: key order`);
  }
});

test('the key lists are the order uWSGI 2.0.21 writes', () => {
  const raw = JSON.parse(fixture('busy')) as UwsgiStats;
  const worker = raw.workers[0]!;
  assert.deepEqual(Object.keys(raw), [...TOP_LEVEL_KEYS]);
  assert.deepEqual(Object.keys(worker), [...WORKER_KEYS]);
  assert.deepEqual(Object.keys(worker.cores[0]!), [...CORE_KEYS]);
  assert.deepEqual(Object.keys(worker.apps[0]!), [...APP_KEYS]);
  assert.deepEqual(Object.keys(raw.sockets[0]!), [...SOCKET_KEYS]);
});

test('a truncated document is a clear error with where it broke', () => {
  const text = fixture('idle');
  const err = parseError(text.slice(0, 500));
  assert.match(err.message, /^test\.sock: not valid JSON: .* at line \d+ column \d+/);
  assert.equal(err.source, 'test.sock');
});

test('an empty reply says the server closed without writing', () => {
  assert.match(parseError('').message, /test\.sock: empty document \(the server closed without writing/);
  assert.match(parseError(' \n').message, /empty document/);
});

test('a wrong type names the key, what was expected and what came', () => {
  const doc = JSON.parse(fixture('busy')) as Record<string, unknown> & UwsgiStats;
  (doc.workers[3] as unknown as Record<string, unknown>).status = 5;
  const err = parseError(JSON.stringify(doc));
  assert.equal(err.key, 'workers[3].status');
  assert.equal(err.message, 'test.sock: workers[3].status: expected idle, busy, cheap, pause or sig<N>, got 5 (number)');

  assert.equal(parseError('[1,2]').message, 'test.sock: the document: expected an object, got an array of 2');
  assert.equal(parseError('{"version":"x","pid":"7","workers":[]}').message, 'test.sock: pid: expected a number, got "7" (string)');
});

test('a key uwsgitop cannot do without is required; others read as 0 with one warning each', () => {
  const doc = JSON.parse(fixture('idle')) as UwsgiStats;
  delete (doc.workers[0] as Partial<UwsgiStats['workers'][number]>).requests;
  assert.equal(parseError(JSON.stringify(doc)).message, 'test.sock: workers[0].requests: expected a number, got missing');

  const old = JSON.parse(fixture('idle')) as UwsgiStats;
  for (const w of old.workers) delete (w as Partial<typeof w>).signal_queue;
  delete (old as Partial<UwsgiStats>).locks;
  const s = parseStats(JSON.stringify(old), 'old');
  assert.equal(s.stats.workers[7]!.signal_queue, 0);
  assert.deepEqual(s.stats.locks, []);
  assert.deepEqual(s.warnings.sort(), ['locks missing, read as []', 'workers[*].signal_queue missing, read as 0']);
});

test("uWSGI's unescaped strings (quotes, backslashes, tabs) are read, and said to be", () => {
  // What uWSGI writes for cwd `/srv/my "app"\dir` and a request var holding a tab.
  const broken = fixture('busy').replace('"cwd":"/srv/app"', '"cwd":"/srv/my "app"\\dir"').replace('"HTTP_ACCEPT=*/*"', '"HTTP_ACCEPT=a\tb"');
  assert.throws(() => JSON.parse(broken));
  const s = parseStats(broken, 'uwsgi');
  assert.equal(s.repaired, true);
  assert.equal(s.stats.cwd, '/srv/my "app"\\dir');
  assert.ok(s.stats.workers[0]!.cores[0]!.vars.includes('HTTP_ACCEPT=a\tb'));
  assert.equal(s.counts.busy, 14);
});

test('a tidepool document reads with its additions', () => {
  const events = [
    { seq: 1, at: 1795524240000, type: 'spawn' as const, worker: 1, pid: 7566, reason: 'initial' },
    { seq: 2, at: 1795524241000, type: 'ready' as const, worker: 1, pid: 7566, reason: 'model loaded', detail: { ms: 850, lazy: true } },
  ];
  const s = parseStats(JSON.stringify(tidepoolDocument('idle', events)), 'tp');
  assert.equal(s.isTidepool, true);
  assert.equal(s.stats.tidepool?.scaling.algo, 'spare');
  assert.deepEqual(s.stats.tidepool?.events, events);
  assert.equal(s.stats.workers[0]!.tidepool?.ready, true);
  assert.equal(s.stats.workers[10]!.tidepool, undefined);
  assert.deepEqual(uwsgitopProblems(JSON.parse(JSON.stringify(s.stats))), []);
});

test('a bad tidepool field is named by its path', () => {
  const doc = tidepoolDocument('idle');
  (doc.tidepool!.scaling.last_decision as unknown as Record<string, unknown>).action = 'grow';
  assert.equal(
    parseError(JSON.stringify(doc)).message,
    'test.sock: tidepool.scaling.last_decision.action: expected one of spawn, cheap, hold, got "grow" (string)',
  );
  const worker = tidepoolDocument('busy');
  (worker.workers[2]!.tidepool as unknown as Record<string, unknown>).last_exit = { at: 1, reason: 'oops', detail: '' };
  assert.match(parseError(JSON.stringify(worker)).message, /workers\[2\]\.tidepool\.last_exit\.reason: expected one of crash, signal/);
});

test('events of the live stream are checked like the document', () => {
  assert.deepEqual(parsePoolEvent({ seq: 3, at: 5, type: 'harakiri', worker: 2, reason: 'request over 30 s' }), {
    seq: 3,
    at: 5,
    type: 'harakiri',
    worker: 2,
    reason: 'request over 30 s',
  });
  assert.throws(() => parsePoolEvent({ seq: 3, at: 5, type: 'boom', reason: '' }, 'stream'), /stream: type: expected one of spawn, ready/);
  assert.throws(() => parsePoolEvent({ seq: 3, at: 5, type: 'exit', reason: 'x', detail: { a: [1] } }), /detail\.a: expected a string, number or boolean/);
});

test('statuses pause and sig<N> are counted apart, and are not idle', () => {
  const doc = JSON.parse(fixture('idle')) as UwsgiStats;
  doc.workers[0]!.status = 'pause';
  doc.workers[1]!.status = 'sig12';
  const s = parseStats(JSON.stringify(doc));
  assert.equal(s.counts.pause, 1);
  assert.equal(s.counts.sig, 1);
  assert.equal(s.counts.idle, 3);
  assert.equal(s.counts.running, 5);
});

test('the uwsgitop rule: the fixtures pass, a missing or mistyped key is reported', () => {
  for (const name of FIXTURES) assert.deepEqual(uwsgitopProblems(JSON.parse(fixture(name))), [], name);
  assert.deepEqual(Object.keys(uwsgitopRequired.workerCrashesWithout).sort(), ['id', 'last_spawn', 'requests', 'running_time', 'status', 'tx']);

  const doc = JSON.parse(fixture('busy')) as Record<string, unknown> & { workers: Record<string, unknown>[] };
  delete doc.workers[2]!.tx;
  doc.workers[4]!.rss = '0';
  doc.workers[5]!.status = 1;
  doc.uid = '0';
  assert.deepEqual(uwsgitopProblems(doc), [
    'uid is "0" (string): uwsgitop crashes',
    'workers[2].tx is missing, not a number: uwsgitop crashes',
    'workers[4].rss is "0" (string), not a number: uwsgitop hides the row',
    'workers[5].status is 1 (number), not a string: uwsgitop crashes',
  ]);
  assert.deepEqual(uwsgitopProblems([]), ['the document is an array of 0, not an object: uwsgitop retries forever']);
});

test('an event kind is checked against its type; events and workers without kinds (older tidepool) read as they are', () => {
  const spawn = { seq: 4, at: 5, type: 'spawn', kind: 'respawn', worker: 1, pid: 9, reason: 'respawn after crash (exited with code 1)' };
  assert.deepEqual(parsePoolEvent(spawn), spawn);
  assert.deepEqual(parsePoolEvent({ seq: 5, at: 6, type: 'exit', kind: 'crash', reason: 'crash: exited with code 1' }).kind, 'crash');
  const kinds = 'initial, scale-up, manual, respawn, recycle, reload';
  const message = `stream: kind: expected one of ${kinds} for a spawn event, got "crash" (string)`;
  assert.throws(() => parsePoolEvent({ ...spawn, kind: 'crash' }, 'stream'), { message });
  assert.throws(() => parsePoolEvent({ seq: 1, at: 1, type: 'ready', kind: 'initial', reason: '' }), /kind: expected no kind for a ready event, got "initial"/);
  assert.throws(() => parsePoolEvent({ ...spawn, kind: 'grow' }), /kind: expected one of /);

  const older = { seq: 4, at: 5, type: 'spawn', worker: 1, pid: 9, reason: 'initial' };
  assert.deepEqual(parsePoolEvent(older), older);
  const doc = tidepoolDocument('idle', [older as PoolEvent]);
  for (const w of doc.workers) if (w.tidepool) delete w.tidepool.spawn_kind;
  const s = parseStats(JSON.stringify(doc), 'older');
  assert.deepEqual(s.warnings, []);
  assert.equal(s.stats.workers[0]!.tidepool?.spawn_kind, undefined);
  assert.equal(s.stats.tidepool?.events[0]?.kind, undefined);

  const wrong = tidepoolDocument('idle');
  (wrong.workers[0]!.tidepool as unknown as Record<string, unknown>).spawn_kind = 'again';
  assert.match(parseError(JSON.stringify(wrong)).message, /workers\[0\]\.tidepool\.spawn_kind: expected one of initial, /);
});
