import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { uwsgiRequest } from '../helpers/http.js';
import { runLoad, sleep } from '../helpers/load.js';
import { CLI, startServer, stopAll, tempDir, waitFor, type RunningServer } from '../helpers/server.js';

function count(s: RunningServer, re: RegExp): number {
  return [...s.log().matchAll(new RegExp(re.source, 'g'))].length;
}

function ctl(fifo: string, command: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, 'ctl', '--fifo', fifo, command], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('scaling and the worker lifecycle, with real processes', () => {
  after(stopAll);

  test('scale up under a blocking load: waiting requests spawn workers at once (tidepool defaults)', async () => {
    const s = await startServer({ args: ['--workers', '6', '--cheaper', '1', '--simulate-latency', '1500'] });
    const replies = await Promise.all(Array.from({ length: 5 }, (_, i) => s.get(`/predict?text=t${i}`)));
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 200, 200]);
    assert.ok(count(s, /spawn: worker \d+ \(pid \d+\) scale-up \(busyness\)/) >= 3, `scale-up spawns:\n${s.log()}`);
    assert.ok(new Set(replies.map((r) => r.headers['x-tidepool-worker'])).size >= 3, 'the new workers took requests');
    await s.stop();
  });

  test('scale down under load loses nothing: one-shot uwsgi and HTTP clients, zero failed requests', async () => {
    const dir = tempDir();
    const uwsgi = path.join(dir, 'u.sock');
    const s = await startServer({
      args: ['--workers', '4', '--cheaper', '1', '--cheaper-initial', '4', '--cheaper-algo', 'spare2', '--cheaper-idle', '3', '--cheaper-check-interval', '0.2', '--simulate-latency', '30', '--socket', uwsgi],
    });
    const load = runLoad((i) => (i % 2 ? uwsgiRequest(uwsgi, 'GET', `/predict?text=a${i}`).then((r) => r.status) : s.get(`/predict?text=b${i}`).then((r) => r.status)), 2, 30000);
    // spare2 keeps `cheaper` (1) workers idle: with two clients busy it cheaps down to three.
    await s.waitForLog(/cheap-done: /, 20000);
    // Enough requests around the cheaping, however slow the machine is today.
    await sleep(1000);
    await waitFor('50 requests served', () => load.ok() > 50, 20000);
    const result = await load.stop();
    assert.deepEqual(result.failed, [], 'no request failed while workers were cheaped');
    assert.ok(result.ok > 50, `requests served: ${result.ok}`);
    assert.match(s.log(), /cheap-start: worker \d+ \(pid \d+\) scale-down \(spare2\)/);
    await s.stop();
  });

  test('harakiri: a request over the limit gets its worker killed, logged, counted and respawned; the client is not left hanging', async () => {
    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--harakiri', '1', '--simulate-latency', '3000'] });
    const started = Date.now();
    const outcome = await s.get('/predict?text=slow').then((r) => `status ${r.status}`, (e: Error) => e.message);
    assert.ok(Date.now() - started < 2900, `answered (${outcome}) before the request could finish`);
    assert.notEqual(outcome, 'status 200');
    await s.waitForLog(/harakiri: worker 1 \(pid \d+\) GET \/predict running for 1\.\d s \(harakiri = 1 s\)/);
    await s.waitForLog(/spawn: worker 1 \(pid \d+\) respawn after harakiri/);
    await s.stop('SIGKILL');
  });

  test('max-requests recycles a worker after N requests; nothing fails', async () => {
    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--max-requests', '4', '--min-worker-lifetime', '0'] });
    for (let i = 0; i < 10; i++) assert.equal((await s.get(`/predict?text=r${i}`)).status, 200);
    await s.waitForLog(/exit: worker 1 \(pid \d+\) max-requests: served 4 requests/);
    await waitFor('two recycles', () => count(s, /respawn after max-requests/) >= 2, 15000);
    await s.stop();
  });

  test('with a free slot, a recycled worker serves until its replacement is ready: ready workers never drop to 0', async () => {
    const s = await startServer({
      args: ['--workers', '2', '--cheaper', '1', '--cheaper-initial', '1', '--cheaper-algo', 'manual', '--max-requests', '4', '--min-worker-lifetime', '0', '--simulate-latency', '10'],
    });
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
    await s.waitForLog(/spawn: worker 2 \(pid \d+\) replacing worker 1 \(served \d+ requests \(max-requests 4\)\)/, 15000);
    await s.waitForLog(/spawn: worker 1 \(pid \d+\) replacing worker 2 /, 15000);
    const result = await load.stop();
    sampling = false;
    await sampler;
    assert.deepEqual(result.failed, [], 'no request failed across the recycles');
    assert.ok(readyCounts.length > 20, `samples of the ready count: ${readyCounts.length}`);
    assert.ok(Math.min(...readyCounts) >= 1, `a ready worker at every sample: ${readyCounts.join(' ')}`);
    const log = s.log();
    const at = (re: RegExp): number => log.search(re);
    const spawned = at(/spawn: worker 2 \(pid \d+\) replacing worker 1/);
    const ready = at(/ready: worker 2 /);
    const left = at(/exit: worker 1 \(pid \d+\) max-requests: served \d+ requests \(max-requests 4\); replaced by worker 2/);
    assert.ok(spawned >= 0 && spawned < ready && ready < left, `replacement spawned, then ready, then the old worker left:\n${log}`);
    assert.doesNotMatch(log, /respawn after max-requests/, 'the recycled slot was left cheap, not respawned in place');
    await s.stop();
  });

  test('reload-on-rss (worker, graceful) and evil-reload-on-rss (master, kill)', async () => {
    const graceful = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--reload-on-rss', '1', '--min-worker-lifetime', '0'] });
    assert.equal((await graceful.get('/predict?text=x')).status, 200);
    await graceful.waitForLog(/exit: worker 1 \(pid \d+\) rss: rss \d+ MB > reload-on-rss 1 MB/);
    await graceful.stop();
    const evil = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--evil-reload-on-rss', '1'], noWait: true });
    await evil.waitForLog(/exit: worker 1 \(pid \d+\) rss: rss \d+ MB > evil-reload-on-rss 1 MB \(killed by SIGKILL/);
    await evil.stop('SIGKILL');
  });

  test('chain reload (FIFO c) replaces every worker, one at a time, with zero failed requests', async () => {
    const fifo = path.join(tempDir(), 'master.fifo');
    const s = await startServer({ args: ['--workers', '3', '--cheaper', '0', '--master-fifo', fifo, '--simulate-latency', '20'] });
    const before = s.workerPids();
    const load = runLoad((i) => s.get(`/predict?text=c${i}`).then((r) => r.status), 3, 40000);
    await sleep(300);
    assert.equal(ctl(fifo, 'chain-reload').status, 0);
    await s.waitForLog(/reload: chain reload complete/, 30000);
    const result = await load.stop();
    assert.deepEqual(result.failed, []);
    const afterPids = s.workerPids();
    assert.equal(afterPids.length, 3);
    for (const p of before) assert.ok(!afterPids.includes(p), 'every worker was replaced');
    await s.stop();
  });

  test('SIGHUP reloads all workers gracefully: zero failed requests', async () => {
    const s = await startServer({ args: ['--workers', '2', '--cheaper', '0', '--simulate-latency', '20'] });
    const before = s.workerPids();
    const load = runLoad((i) => s.get(`/predict?text=h${i}`).then((r) => r.status), 2, 40000);
    await sleep(200);
    process.kill(s.pid, 'SIGHUP');
    await waitFor('both replacements ready', () => count(s, /ready: worker/) >= 4, 20000);
    await sleep(200);
    const result = await load.stop();
    assert.deepEqual(result.failed, []);
    for (const p of before) assert.ok(!s.workerPids().includes(p));
    await s.stop();
  });

  test('master FIFO: + spawns, - cheaps, p pauses and resumes, s logs stats, q shuts down', async () => {
    const fifo = path.join(tempDir(), 'master.fifo');
    const s = await startServer({ args: ['--workers', '3', '--cheaper', '1', '--cheaper-algo', 'manual', '--master-fifo', fifo] });
    assert.equal(ctl(fifo, '+').status, 0);
    await s.waitForLog(/spawn: worker 2 \(pid \d+\) scale-up \(manual\): manual: \+ on the master FIFO/);
    await waitFor('worker 2 ready', async () => (await s.get('/readyz')).json().ready === 2);
    assert.equal(ctl(fifo, 'cheap').status, 0);
    await s.waitForLog(/cheap-done: worker \d+/);
    assert.equal(ctl(fifo, 'pause').status, 0);
    await s.waitForLog(/paused: requests wait in the queue/);
    let done = false;
    const pending = s.get('/predict?text=paused').then((r) => ((done = true), r.status));
    await sleep(400);
    assert.equal(done, false, 'a paused master keeps the request waiting');
    assert.equal(ctl(fifo, 'p').status, 0);
    assert.equal(await pending, 200);
    assert.equal(ctl(fifo, 's').status, 0);
    await s.waitForLog(/stats: \{/);
    assert.equal(ctl(fifo, 'q').status, 0);
    assert.equal(await new Promise((r) => s.child.once('exit', r)), 0);
    const gone = ctl(fifo, 'q');
    assert.notEqual(gone.status, 0);
    assert.match(gone.out, /master FIFO/);
  });
});
