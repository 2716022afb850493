import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { APP_KEYS, CORE_KEYS, SOCKET_KEYS, TOP_LEVEL_KEYS, WORKER_KEYS } from '../../core/stats/schema.js';
import { parseStats } from '../../core/stats/parseStats.js';
import { uwsgitopProblems } from '../../core/stats/uwsgitop.js';
import { REPO, type RunningServer, startServer, stopAll, tempDir, waitFor } from '../helpers/server.js';
import { readDocument, readToEnd } from './statsClient.js';

const fixture = JSON.parse(fs.readFileSync(path.join(REPO, 'test', 'stats', 'fixtures', 'uwsgi-stats', 'uwsgi-2.0.21-busy.json'), 'utf8'));
const LATENCY_MS = 2500;

let server: RunningServer;
let fifo: string;
let startedAtS: number;

before(async () => {
  startedAtS = Date.now() / 1000;
  const dir = tempDir('tidepool-fifo-');
  fifo = path.join(dir, 'fifo');
  server = await startServer({
    args: [
      '--workers',
      '4',
      '--cheaper',
      '1',
      '--cheaper-initial',
      '2',
      '--cheaper-algo',
      'manual',
      '--simulate-latency',
      String(LATENCY_MS),
      '--master-fifo',
      fifo,
    ],
  });
});
after(async () => {
  await stopAll();
  fs.rmSync(path.dirname(fifo), { recursive: true, force: true });
});

const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

function assertSameShape(ours: Record<string, unknown>, theirs: Record<string, unknown>, keys: readonly string[], where: string): void {
  assert.deepEqual(Object.keys(ours), [...keys, ...('tidepool' in ours ? ['tidepool'] : [])], `${where}: keys in uWSGI's order, tidepool last`);
  for (const k of keys) assert.equal(kind(ours[k]), kind(theirs[k]), `${where}.${k}: same JSON type as uWSGI's`);
}

async function doc(): Promise<any> {
  return readDocument(server.stats);
}

test("the idle document: uWSGI's keys in uWSGI's order and types, one entry per slot, real units", async () => {
  // Both initial workers loaded, and measured: rss and vsz come from /proc at the master's periodic check.
  const d = await waitFor(
    'two ready workers with their rss',
    async () => {
      const d = await doc();
      return d.workers.slice(0, 2).every((w: any) => w.accepting === 1 && w.rss > 0) && d;
    },
    10_000,
  );
  const nowS = Date.now() / 1000;
  assertSameShape(d, fixture, TOP_LEVEL_KEYS, 'document');
  assert.deepEqual(d.locks, fixture.locks);
  assert.equal(d.pid, server.pid);
  assert.equal(d.cwd, fs.realpathSync(server.dir));
  assert.equal(d.uid, process.getuid!());
  assert.equal(d.listen_queue, 0);
  assert.equal(d.sockets.length, 1);
  assertSameShape(d.sockets[0], fixture.sockets[0], SOCKET_KEYS, 'sockets[0]');
  assert.deepEqual(d.sockets[0], { name: server.http, proto: 'http', queue: 0, max_queue: 100, shared: 0, can_offload: 0 });

  assert.deepEqual(
    d.workers.map((w: any) => w.id),
    [1, 2, 3, 4],
    'every slot, numbered',
  );
  for (const w of d.workers) {
    assertSameShape(w, fixture.workers[0], WORKER_KEYS, `workers[${w.id}]`);
    assertSameShape(w.cores[0], fixture.workers[0].cores[0], CORE_KEYS, `workers[${w.id}].cores[0]`);
  }
  for (const w of d.workers.slice(0, 2)) {
    assert.equal(w.status, 'idle');
    assert.equal(w.accepting, 1);
    assert.ok(w.pid > 0);
    assert.equal(w.respawn_count, 1);
    assert.ok(w.last_spawn >= Math.floor(startedAtS) && w.last_spawn <= nowS, `last_spawn ${w.last_spawn} is epoch seconds of the start`);
    assert.ok(Number.isInteger(w.last_spawn));
    assert.ok(w.rss > 10 * 1024 * 1024, `rss ${w.rss} is bytes of a process that loaded a model`);
    assert.ok(w.vsz >= w.rss);
    assert.equal(w.apps.length, 1);
    assertSameShape(w.apps[0], fixture.workers[0].apps[0], APP_KEYS, `workers[${w.id}].apps[0]`);
    assert.ok(Number.isInteger(w.apps[0].startup_time));
    assert.deepEqual(w.cores[0].vars, []);
    assert.deepEqual(w.cores[0].req_info, {});
    assert.equal(w.tidepool.ready, true);
    assert.equal(w.tidepool.spawn_reason, 'initial');
    assert.equal(w.tidepool.spawn_kind, 'initial');
    assert.ok(w.tidepool.spawn_to_ready_ms > 0);
  }
  for (const w of d.workers.slice(2)) {
    assert.deepEqual(
      {
        status: w.status,
        pid: w.pid,
        accepting: w.accepting,
        last_spawn: w.last_spawn,
        respawn_count: w.respawn_count,
        apps: w.apps,
        rss: w.rss,
        kind: w.tidepool.spawn_kind,
      },
      { status: 'cheap', pid: 0, accepting: 0, last_spawn: 0, respawn_count: 0, apps: [], rss: 0, kind: null },
    );
  }
  assert.deepEqual(uwsgitopProblems(d), []);
  assert.equal(d.tidepool.scaling.algo, 'manual');
  assert.deepEqual([d.tidepool.scaling.min, d.tidepool.scaling.max, d.tidepool.scaling.initial], [1, 4, 2]);
  assert.deepEqual(d.tidepool.queue, { waiting: 0, limit: 100, rejected: 0, accept: 'master', handed_off: 0 });
  assert.equal(d.tidepool.model.dir, path.join(REPO, 'models', 'default'));
  assert.ok(d.tidepool.model.classes >= 2 && d.tidepool.model.num_words >= 2);
  assert.ok(d.tidepool.backend !== 'unknown');
});

test('the document reads back through parseStats unchanged, as a tidepool document', async () => {
  const text = await readToEnd(server.stats);
  const snapshot = parseStats(text, server.stats);
  assert.deepEqual(snapshot.stats, JSON.parse(text));
  assert.equal(snapshot.isTidepool, true);
  assert.equal(snapshot.repaired, false);
  assert.deepEqual(snapshot.warnings, []);
  assert.equal(snapshot.counts.slots, 4);
  assert.equal(snapshot.counts.running, 2);
  assert.equal(snapshot.counts.cheap, 2);
});

test('a blocking request: its worker busy, in_request 1 with the request vars, running_time grows in µs', async () => {
  const before = (await doc()).workers;
  const sentS = Date.now() / 1000;
  const sent = Date.now();
  const reply = server.get('/predict?text=oil+prices+rose');
  // A worker reads busy from the handoff on, and in_request only once its own report arrives:
  // on a loaded machine a document can fall between the two.
  const busyDoc = await waitFor(
    'a worker in its request',
    async () => {
      const d = await doc();
      return d.workers.some((w: any) => w.status === 'busy' && w.cores[0].in_request === 1) && d;
    },
    1000,
    20,
  );
  const w = busyDoc.workers.find((x: any) => x.status === 'busy' && x.cores[0].in_request === 1);
  const was = before.find((x: any) => x.id === w.id);
  assert.deepEqual(uwsgitopProblems(busyDoc), []);
  assert.equal(w.cores[0].in_request, 1);
  assert.ok(w.cores[0].vars.includes('REQUEST_METHOD=GET'), String(w.cores[0].vars));
  assert.ok(w.cores[0].vars.includes('PATH_INFO=/predict'), String(w.cores[0].vars));
  const start = w.cores[0].req_info.request_start;
  assert.ok(start >= sentS - 1 && start <= Date.now() / 1000, `request_start ${start} is epoch seconds`);
  assert.equal(w.tidepool.in_flight, 1);
  assert.equal(w.apps[0].requests, was.apps[0].requests + 1, 'uWSGI counts the running request in the app');
  assert.ok(w.running_time > was.running_time, 'the request in progress counts');

  await new Promise((r) => setTimeout(r, 300));
  const mid = (await doc()).workers.find((x: any) => x.id === w.id);
  assert.equal(mid.status, 'busy');
  assert.ok(mid.running_time - w.running_time >= 150_000, `running_time grew ${mid.running_time - w.running_time} µs in 300 ms`);

  assert.equal((await reply).status, 200);
  const elapsedUs = (Date.now() - sent) * 1000;
  // The worker reports idle to the master just after writing the answer, and documents are
  // cached for 100 ms: the idle state follows the answer closely, not at once.
  const done = await waitFor(
    'the worker idle again',
    async () => {
      const x = (await doc()).workers.find((x: any) => x.id === w.id);
      return x.status === 'idle' && x;
    },
    2000,
    20,
  );
  assert.equal(done.cores[0].in_request, 0);
  assert.deepEqual(done.cores[0].vars, []);
  assert.equal(done.requests, was.requests + 1);
  assert.equal(done.delta_requests, was.delta_requests + 1);
  assert.ok(done.tx > was.tx, 'tx counts the bytes of the answer');
  const grew = done.running_time - was.running_time;
  assert.ok(grew >= LATENCY_MS * 1000 && grew <= elapsedUs, `running_time grew ${grew} µs for a ${LATENCY_MS} ms request (${elapsedUs} µs wall)`);
  assert.ok(done.avg_rt >= (LATENCY_MS * 1000) / 2, `avg_rt ${done.avg_rt} µs`);
});

test('paused (FIFO p): running workers read pause, cheap slots stay cheap', async () => {
  fs.writeFileSync(fifo, 'p');
  const paused = await waitFor(
    'pause',
    async () => {
      const d = await doc();
      return d.workers[0].status === 'pause' && d;
    },
    5000,
  );
  assert.deepEqual(
    paused.workers.map((w: any) => w.status),
    ['pause', 'pause', 'cheap', 'cheap'],
  );
  assert.deepEqual(uwsgitopProblems(paused), []);
  fs.writeFileSync(fifo, 'p');
  await waitFor('resume', async () => (await doc()).workers[0].status === 'idle', 5000);
});

test('kill -9 of a worker: every document while it respawns suits uwsgitop; counters survive the respawn', async () => {
  const d0 = await doc();
  const victim = d0.workers[0];
  process.kill(victim.pid, 'SIGKILL');
  const seen: any[] = [];
  const back = await waitFor(
    'the respawned worker ready',
    async () => {
      const d = await doc();
      assert.deepEqual(uwsgitopProblems(d), [], 'a document during the respawn');
      const w = d.workers[0];
      seen.push(w);
      return w.pid !== victim.pid && w.accepting === 1 && w;
    },
    15_000,
    20,
  );
  assert.ok(
    seen.some((w) => w.pid !== victim.pid && w.accepting === 0 && w.status === 'idle'),
    'seen loading: idle, not accepting',
  );
  assert.equal(back.respawn_count, 2);
  assert.equal(back.requests, victim.requests, "requests are the slot's, kept across respawns");
  assert.equal(back.delta_requests, 0);
  assert.equal(back.tidepool.last_exit.reason, 'signal');
  assert.match(back.tidepool.last_exit.detail, /SIGKILL/, 'the exit in words, for people');
  assert.equal(back.tidepool.spawn_kind, 'respawn');
  const events = (await doc()).tidepool.events;
  assert.ok(events.some((e: any) => e.type === 'exit' && e.pid === victim.pid && e.detail.signal === 'SIGKILL'));
  assert.ok(events.some((e: any) => e.type === 'spawn' && e.worker === 1 && e.pid === back.pid));
});
