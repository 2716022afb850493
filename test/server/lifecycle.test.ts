import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { PoolEvent } from '../../core/stats/schema.js';
import { uwsgiRequest } from '../helpers/http.js';
import { runLoad, sleep } from '../helpers/load.js';
import { ctl, poolEvents, runningPids } from '../helpers/pool.js';
import { startServer, stopAll, tempDir, waitFor } from '../helpers/server.js';

const finishedExit = (e: PoolEvent): boolean => e.type === 'exit' && e.detail?.phase !== 'start';

describe('scaling and the worker lifecycle, with real processes', () => {
  after(stopAll);

  test('scale up under a blocking load: waiting requests spawn workers at once (tidepool defaults)', async () => {
    const s = await startServer({ args: ['--workers', '6', '--cheaper', '1', '--simulate-latency', '1500'] });
    const events = poolEvents(s.stats);
    const replies = await Promise.all(Array.from({ length: 5 }, (_, i) => s.get(`/predict?text=t${i}`)));
    assert.deepEqual(
      replies.map((r) => r.status),
      [200, 200, 200, 200, 200],
    );
    const seen = await events.refresh();
    const scaleUps = seen.filter((e) => e.type === 'spawn' && e.kind === 'scale-up');
    assert.ok(scaleUps.length >= 3, `scale-up spawns: ${scaleUps.length}`);
    assert.ok(
      seen.some((e) => e.type === 'decision' && e.kind === 'spawn' && e.detail?.algo === 'busyness'),
      'decided by busyness',
    );
    assert.ok(new Set(replies.map((r) => r.headers['x-tidepool-worker'])).size >= 3, 'the new workers took requests');
    await s.stop();
  });

  test('scale down under load loses nothing: one-shot uwsgi and HTTP clients, zero failed requests', async () => {
    const dir = tempDir();
    const uwsgi = path.join(dir, 'u.sock');
    const s = await startServer({
      args: [
        '--workers',
        '4',
        '--cheaper',
        '1',
        '--cheaper-initial',
        '4',
        '--cheaper-algo',
        'spare2',
        '--cheaper-idle',
        '3',
        '--cheaper-check-interval',
        '0.2',
        '--simulate-latency',
        '30',
        '--socket',
        uwsgi,
      ],
    });
    const events = poolEvents(s.stats);
    const load = runLoad(
      (i) => (i % 2 ? uwsgiRequest(uwsgi, 'GET', `/predict?text=a${i}`).then((r) => r.status) : s.get(`/predict?text=b${i}`).then((r) => r.status)),
      2,
      30000,
    );
    // spare2 keeps `cheaper` (1) workers idle: with two clients busy it cheaps down to three.
    const done = await events.waitFor('a cheaped slot', (e) => e.type === 'cheap-done', 20000);
    // Enough requests around the cheaping, however slow the machine is today.
    await sleep(1000);
    await waitFor('50 requests served', () => load.ok() > 50, 20000);
    const result = await load.stop();
    assert.deepEqual(result.failed, [], 'no request failed while workers were cheaped');
    assert.ok(result.ok > 50, `requests served: ${result.ok}`);
    const decision = events.seen.find((e) => e.type === 'decision' && e.kind === 'cheap' && e.detail?.worker === done.worker);
    assert.equal(decision?.detail?.algo, 'spare2', 'spare2 chose the worker');
    assert.ok(events.seen.some((e) => e.type === 'cheap-start' && e.worker === done.worker && e.seq < done.seq));
    await s.stop();
  });

  test('harakiri: a request over the limit gets its worker killed, logged, counted and respawned; the client is not left hanging', async () => {
    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--harakiri', '1', '--simulate-latency', '3000'] });
    const events = poolEvents(s.stats);
    const started = Date.now();
    const outcome = await s.get('/predict?text=slow').then(
      (r) => `status ${r.status}`,
      (e: Error) => e.message,
    );
    assert.ok(Date.now() - started < 2900, `answered (${outcome}) before the request could finish`);
    assert.notEqual(outcome, 'status 200');
    const kill = await events.waitFor('the harakiri', (e) => e.type === 'harakiri' && e.worker === 1);
    assert.deepEqual([kill.detail?.method, kill.detail?.path], ['GET', '/predict']);
    const elapsed = Number(kill.detail?.elapsed_ms);
    assert.ok(elapsed > 1000 && elapsed < 2000, `killed ${elapsed} ms into a request, for harakiri = 1 s`);
    await events.waitFor('its exit', (e) => e.type === 'exit' && e.kind === 'harakiri' && e.pid === kill.pid);
    await events.waitFor('the respawn', (e) => e.type === 'spawn' && e.worker === 1 && e.kind === 'respawn' && e.seq > kill.seq);
    await s.stop('SIGKILL');
  });

  test('max-requests recycles a worker after N requests; nothing fails', async () => {
    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--max-requests', '4', '--min-worker-lifetime', '0'] });
    const events = poolEvents(s.stats);
    for (let i = 0; i < 10; i++) assert.equal((await s.get(`/predict?text=r${i}`)).status, 200);
    await events.waitFor('a max-requests exit', (e) => finishedExit(e) && e.kind === 'max-requests' && e.worker === 1);
    // No free slot (workers = 1): recycled in place, the slot respawns.
    const inPlace = (e: PoolEvent): boolean => e.type === 'spawn' && e.kind === 'recycle' && e.detail?.replaces === undefined;
    await waitFor('two recycles', async () => (await events.refresh()).filter(inPlace).length >= 2, 15000);
    await s.stop();
  });

  test('with a free slot, a recycled worker serves until its replacement is ready: ready workers never drop to 0', async () => {
    const s = await startServer({
      args: [
        '--workers',
        '2',
        '--cheaper',
        '1',
        '--cheaper-initial',
        '1',
        '--cheaper-algo',
        'manual',
        '--max-requests',
        '4',
        '--min-worker-lifetime',
        '0',
        '--simulate-latency',
        '10',
      ],
    });
    const events = poolEvents(s.stats);
    const readyCounts: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        readyCounts.push(JSON.parse((await s.get('/readyz')).body).ready);
        await sleep(5);
      }
    })();
    const load = runLoad((i) => s.get(`/predict?text=m${i}`).then((r) => r.status), 1, 30000);
    // Worker 1 reaches 4 requests: worker 2 starts in the free slot, then worker 1 leaves it cheap;
    // worker 2 reaches 4 in turn and is replaced in slot 1.
    const replacement =
      (slot: number, replaces: number) =>
      (e: PoolEvent): boolean =>
        e.type === 'spawn' && e.kind === 'recycle' && e.worker === slot && e.detail?.replaces === replaces;
    const first = await events.waitFor('worker 2 replacing worker 1', replacement(2, 1), 15000);
    await events.waitFor('worker 1 replacing worker 2', replacement(1, 2), 15000);
    const result = await load.stop();
    sampling = false;
    await sampler;
    assert.deepEqual(result.failed, [], 'no request failed across the recycles');
    assert.ok(readyCounts.length > 20, `samples of the ready count: ${readyCounts.length}`);
    assert.ok(Math.min(...readyCounts) >= 1, `a ready worker at every sample: ${readyCounts.join(' ')}`);
    const seen = await events.refresh();
    const notice = seen.find((e) => e.type === 'exit' && e.worker === 1 && e.detail?.phase === 'start');
    assert.equal(notice?.detail?.replaced_by, 2, 'worker 1 was told it serves until worker 2 is ready');
    const ready = seen.find((e) => e.type === 'ready' && e.pid === first.pid);
    const left = seen.find((e) => finishedExit(e) && e.worker === 1 && e.kind === 'max-requests');
    assert.ok(ready && left && first.seq < ready.seq && ready.seq < left.seq, 'replacement spawned, then ready, then the old worker left');
    const inPlace = seen.filter((e) => e.type === 'spawn' && e.kind === 'recycle' && e.detail?.replaces === undefined);
    assert.deepEqual(inPlace, [], 'the recycled slot was left cheap, not respawned in place');
    await s.stop();
  });

  test('reload-on-rss (worker, graceful) and evil-reload-on-rss (master, kill)', async () => {
    const graceful = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--reload-on-rss', '1', '--min-worker-lifetime', '0'] });
    assert.equal((await graceful.get('/predict?text=x')).status, 200);
    const asked = await poolEvents(graceful.stats).waitFor('the rss exit', (e) => finishedExit(e) && e.kind === 'rss' && e.worker === 1);
    assert.deepEqual(asked.detail, { reason: 'rss', code: 0, signal: '' }, 'the worker left by itself');
    await graceful.stop();
    const evil = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--evil-reload-on-rss', '1'], noWait: true });
    const killed = await poolEvents(evil.stats).waitFor('the evil rss kill', (e) => finishedExit(e) && e.kind === 'rss' && e.worker === 1);
    assert.deepEqual(killed.detail, { reason: 'rss', code: -1, signal: 'SIGKILL' }, 'the master killed it');
    await evil.stop('SIGKILL');
  });

  test('chain reload (FIFO c) replaces every worker, one at a time, with zero failed requests', async () => {
    const fifo = path.join(tempDir(), 'master.fifo');
    const s = await startServer({ args: ['--workers', '3', '--cheaper', '0', '--master-fifo', fifo, '--simulate-latency', '20'] });
    const events = poolEvents(s.stats);
    const before = await runningPids(s.stats);
    const load = runLoad((i) => s.get(`/predict?text=c${i}`).then((r) => r.status), 3, 40000);
    await sleep(300);
    assert.equal(ctl(fifo, 'chain-reload').status, 0);
    await events.waitFor('the chain reload to complete', (e) => e.type === 'reload' && e.kind === 'chain-done', 30000);
    const result = await load.stop();
    assert.deepEqual(result.failed, []);
    const afterPids = await runningPids(s.stats);
    assert.equal(afterPids.length, 3);
    for (const p of before) assert.ok(!afterPids.includes(p), 'every worker was replaced');
    // One at a time: each reload spawn comes after the previous one's ready.
    const seen = events.seen;
    const spawns = seen.filter((e) => e.type === 'spawn' && e.kind === 'reload');
    assert.deepEqual(
      spawns.map((e) => e.worker),
      [1, 2, 3],
    );
    for (let i = 1; i < spawns.length; i++) {
      const previousReady = seen.find((e) => e.type === 'ready' && e.pid === spawns[i - 1]!.pid)!;
      assert.ok(previousReady.seq < spawns[i]!.seq, `worker ${spawns[i]!.worker} was reloaded after worker ${spawns[i - 1]!.worker} was ready again`);
    }
    await s.stop();
  });

  test('chain reload goes on when a replacement crashes before it is ready; a later c works; zero failed requests', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'master.fifo');
    // A real fault: every worker preloads this script, and the first one to start after the
    // token appears takes it and dies before it loads the model (as with a model broken during
    // a deploy); every worker after that one starts normally.
    const token = path.join(dir, 'crash-the-next-worker');
    const preload = path.join(dir, 'crash-once.cjs');
    fs.writeFileSync(
      preload,
      [
        `try { require('node:fs').unlinkSync(${JSON.stringify(token)}); } catch { return; }`,
        `process.stderr.write('crash-once.cjs: this worker dies before it is ready\\n');`,
        'process.exit(1);',
      ].join('\n'),
    );
    const s = await startServer({
      args: ['--workers', '3', '--cheaper', '0', '--master-fifo', fifo, '--simulate-latency', '20', '--env', `NODE_OPTIONS=--require=${preload}`],
    });
    const events = poolEvents(s.stats);
    const before = await runningPids(s.stats);
    assert.equal(before.length, 3);
    const load = runLoad((i) => s.get(`/predict?text=k${i}`).then((r) => r.status), 3, 60000);
    await sleep(300);
    fs.writeFileSync(token, '');
    assert.equal(ctl(fifo, 'chain-reload').status, 0);
    const done = await events.waitFor('the chain reload to complete', (e) => e.type === 'reload' && e.kind === 'chain-done', 30000);
    assert.equal(fs.existsSync(token), false, 'a worker took the fault');

    const seen = events.seen;
    const reloadSpawn = seen.find((e) => e.type === 'spawn' && e.kind === 'reload' && e.worker === 1)!;
    const crash = seen.find((e) => finishedExit(e) && e.pid === reloadSpawn.pid);
    assert.equal(crash?.kind, 'crash', 'the first replacement crashed');
    assert.ok(!seen.some((e) => e.type === 'ready' && e.pid === reloadSpawn.pid), 'before it was ready');
    const respawn = seen.find((e) => e.type === 'spawn' && e.worker === 1 && e.seq > crash.seq);
    assert.equal(respawn?.kind, 'respawn');
    assert.ok(
      seen.some((e) => e.type === 'ready' && e.pid === respawn.pid && e.seq < done.seq),
      'the respawned worker was ready before the chain went on',
    );
    assert.deepEqual(
      seen.filter((e) => e.type === 'spawn' && e.kind === 'reload').map((e) => e.worker),
      [1, 2, 3],
      'the chain went on to workers 2 and 3',
    );
    const reloaded = await runningPids(s.stats);
    assert.equal(reloaded.length, 3);
    for (const p of before) assert.ok(!reloaded.includes(p), 'every worker was replaced');

    // The chain is over: the next `c` (systemd's ExecReload) is not ignored.
    assert.equal(ctl(fifo, 'c').status, 0);
    await events.waitFor('the second chain reload to complete', (e) => e.type === 'reload' && e.kind === 'chain-done' && e.seq > done.seq, 30000);
    const again = await runningPids(s.stats);
    for (const p of reloaded) assert.ok(!again.includes(p), 'the second chain replaced every worker too');
    const result = await load.stop();
    assert.deepEqual(result.failed, [], 'no request failed');
    assert.ok(result.ok > 50, `requests served: ${result.ok}`);
    await s.stop();
  });

  test('SIGHUP reloads all workers gracefully: zero failed requests', async () => {
    const s = await startServer({ args: ['--workers', '2', '--cheaper', '0', '--simulate-latency', '20'] });
    const events = poolEvents(s.stats);
    const before = await runningPids(s.stats);
    const load = runLoad((i) => s.get(`/predict?text=h${i}`).then((r) => r.status), 2, 40000);
    await sleep(200);
    process.kill(s.pid, 'SIGHUP');
    const reload = await events.waitFor('the reload', (e) => e.type === 'reload' && e.kind === 'all');
    await waitFor('both replacements ready', async () => (await events.refresh()).filter((e) => e.type === 'ready' && e.seq > reload.seq).length >= 2, 20000);
    await sleep(200);
    const result = await load.stop();
    assert.deepEqual(result.failed, []);
    const afterPids = await runningPids(s.stats);
    for (const p of before) assert.ok(!afterPids.includes(p));
    await s.stop();
  });

  test('master FIFO: + spawns, - cheaps, p pauses and resumes, s logs stats, q shuts down', async () => {
    const fifo = path.join(tempDir(), 'master.fifo');
    const s = await startServer({ args: ['--workers', '3', '--cheaper', '1', '--cheaper-algo', 'manual', '--master-fifo', fifo] });
    const events = poolEvents(s.stats);
    assert.equal(ctl(fifo, '+').status, 0);
    await events.waitFor('the manual spawn', (e) => e.type === 'spawn' && e.worker === 2 && e.kind === 'manual');
    await waitFor('worker 2 ready', async () => (await s.get('/readyz')).json().ready === 2);
    assert.equal(ctl(fifo, 'cheap').status, 0);
    const cheaped = await events.waitFor('the manual cheap', (e) => e.type === 'cheap-done');
    assert.equal(events.seen.find((e) => e.type === 'decision' && e.kind === 'cheap')?.detail?.manual, true);
    assert.equal(ctl(fifo, 'pause').status, 0);
    await events.waitFor('the pause', (e) => e.type === 'decision' && e.kind === 'pause' && e.seq > cheaped.seq);
    let done = false;
    const pending = s.get('/predict?text=paused').then((r) => {
      done = true;
      return r.status;
    });
    await sleep(400);
    assert.equal(done, false, 'a paused master keeps the request waiting');
    assert.equal(ctl(fifo, 'p').status, 0);
    assert.equal(await pending, 200);
    await events.waitFor('the resume', (e) => e.type === 'decision' && e.kind === 'resume');
    assert.equal(ctl(fifo, 's').status, 0);
    // `s` is a log command: what it writes to the log is the feature.
    const line = await s.waitForLog(/stats: (\{.*\})\n/);
    assert.equal(JSON.parse(line[1]!).pid, s.pid, 'the stats document, on one line');
    assert.equal(ctl(fifo, 'q').status, 0);
    assert.equal(await new Promise((r) => s.child.once('exit', r)), 0);
    const gone = ctl(fifo, 'q');
    assert.notEqual(gone.status, 0);
    assert.match(gone.out, /master FIFO/);
  });
});
