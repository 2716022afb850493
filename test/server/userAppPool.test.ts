/**
 * The pool does for a user's app what it does for the built-in one: it grows for a blocking
 * route and shrinks after, losing nothing; chain-reloads under load with zero failed requests;
 * kills a hung request (harakiri); recycles (max-requests); and reports it all in the stats.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fetchStats } from '../../core/stats/fetchStats.js';
import type { PoolEvent } from '../../core/stats/schema.js';
import { ctl, poolEvents, type PoolEventLog } from '../helpers/pool.js';
import { uwsgiRequest } from '../helpers/http.js';
import { runLoad, sleep } from '../helpers/load.js';
import { startServer, stopAll, tempDir, waitFor } from '../helpers/server.js';
import { EXPRESS_EXAMPLE, FIXTURE_APPS } from '../helpers/userApps.js';

const ROUTES = path.join(FIXTURE_APPS, 'routes.mjs');

/** How many of the pool's events so far match. */
async function count(events: PoolEventLog, match: (e: PoolEvent) => boolean): Promise<number> {
  return (await events.refresh()).filter(match).length;
}

describe("the pool around a user's app", () => {
  after(stopAll);

  test('a blocking route: the pool grows for waiting requests and shrinks when they stop, with 0 failed requests', async () => {
    const uwsgiSock = path.join(tempDir(), 'app.sock');
    // busyness as tidepool sets it, with a short idle window so that the test sees the cheaping.
    const s = await startServer({
      args: ['--workers', '4', '--cheaper', '1', '--cheaper-overload', '1', '--cheaper-busyness-multiplier', '2', '--socket', uwsgiSock, '--file', ROUTES],
    });
    const events = poolEvents(s.stats);
    const load = runLoad((i) => (i % 2 ? uwsgiRequest(uwsgiSock, 'GET', '/block?ms=400') : s.get('/block?ms=400')).then((r) => r.status), 4, 90000);
    // Each new worker imports the app and loads the model: seconds each on a small, busy machine.
    await waitFor('four workers ready', async () => (await fetchStats(s.stats)).counts.ready === 4, 60000);
    await sleep(1000);
    const result = await load.stop();
    assert.deepEqual(result.failed, [], 'no request failed while the pool grew');
    assert.ok(result.ok >= 8, `requests served: ${result.ok}`);
    assert.ok((await count(events, (e) => e.type === 'spawn' && e.kind === 'scale-up')) >= 3, `scale-up spawns:\n${s.log()}`);
    await waitFor('the pool back to one worker', async () => (await fetchStats(s.stats)).counts.running === 1, 40000);
    assert.ok((await count(events, (e) => e.type === 'cheap-start')) >= 3, `scale-down cheaps:\n${s.log()}`);
    await s.stop();
  });

  test('chain reload of the express example under HTTP and uwsgi load: every worker replaced, 0 failed requests', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'master.fifo');
    const uwsgiSock = path.join(dir, 'app.sock');
    const s = await startServer({ args: ['--workers', '3', '--cheaper', '0', '--master-fifo', fifo, '--socket', uwsgiSock, '--file', EXPRESS_EXAMPLE] });
    const events = poolEvents(s.stats);
    const before = s.workerPids();
    const send = (i: number) => (i % 2 ? uwsgiRequest(uwsgiSock, 'GET', `/predict?text=c${i}`) : s.get(`/predict?text=c${i}`)).then((r) => r.status);
    const load = runLoad(send, 3, 120000);
    await sleep(300);
    const reload = ctl(fifo, 'chain-reload');
    assert.equal(reload.status, 0, reload.out);
    await events.waitFor('the chain reload to complete', (e) => e.type === 'reload' && e.kind === 'chain-done', 90000);
    await sleep(200);
    const result = await load.stop();
    assert.deepEqual(result.failed, []);
    assert.ok(result.ok > 30, `requests served: ${result.ok}`);
    const afterPids = s.workerPids();
    assert.equal(afterPids.length, 3);
    for (const p of before) assert.ok(!afterPids.includes(p), 'every worker was replaced');
    await s.stop();
  });

  test('harakiri kills a worker held by the app, and max-requests recycles one; the stats count requests, tx and time', async () => {
    const s = await startServer({
      args: ['--workers', '1', '--cheaper', '0', '--harakiri', '1', '--max-requests', '5', '--min-worker-lifetime', '0', '--file', ROUTES],
    });
    const events = poolEvents(s.stats);
    for (let i = 0; i < 3; i++) assert.equal((await s.get('/echo')).status, 200);
    await waitFor('three requests in the stats', async () => (await fetchStats(s.stats)).stats.workers[0]!.requests === 3, 5000);
    const w = (await fetchStats(s.stats)).stats.workers[0]!;
    assert.ok(w.tx > 3 * 100, `tx counts the bytes of the answers: ${w.tx}`);
    assert.ok(w.avg_rt > 0 && w.running_time > 0, `time in requests: avg_rt ${w.avg_rt}, running_time ${w.running_time}`);
    const hung = await s.get('/block?ms=3000').then(
      (r) => `status ${r.status}`,
      (e: Error) => e.message,
    );
    assert.notEqual(hung, 'status 200');
    const killed = await events.waitFor('the harakiri', (e) => e.type === 'harakiri' && e.worker === 1);
    assert.deepEqual([killed.detail?.method, killed.detail?.path], ['GET', '/block']);
    assert.match(killed.reason, /running for 1\.\d s \(harakiri = 1 s\)/);
    await events.waitFor('the respawn after the harakiri', (e) => e.type === 'spawn' && e.kind === 'respawn' && e.seq > killed.seq);
    await waitFor('the respawned worker', async () => (await s.get('/echo').catch(() => null))?.status === 200, 15000);
    for (let i = 0; i < 6; i++) assert.equal((await s.get('/echo')).status, 200);
    const recycled = await events.waitFor('the max-requests exit', (e) => e.type === 'exit' && e.kind === 'max-requests' && e.detail?.phase !== 'start');
    assert.match(recycled.reason, /served 5 requests/);
    assert.equal((await fetchStats(s.stats)).stats.workers[0]!.harakiri_count, 1);
    await s.stop();
  });
});
