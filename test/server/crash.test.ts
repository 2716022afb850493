import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { poolEvents, runningPids } from '../helpers/pool.js';
import { pidAlive, startServer, stopAll, waitFor } from '../helpers/server.js';

describe('crashes, master death and shutdown', () => {
  after(stopAll);

  test('kill -9 of a busy worker: its request fails, the other succeeds, the slot respawns', async () => {
    const s = await startServer({ args: ['--workers', '2', '--cheaper', '0', '--simulate-latency', '1500'] });
    const events = poolEvents(s.stats);
    const pidsBefore = await runningPids(s.stats);
    assert.equal(pidsBefore.length, 2);
    const a = s.get('/predict?text=a').then(
      (r) => r.status,
      (e: Error) => e.message,
    );
    const b = s.get('/predict?text=b').then(
      (r) => r.status,
      (e: Error) => e.message,
    );
    await new Promise((r) => setTimeout(r, 400));
    const victim = pidsBefore[0]!;
    process.kill(victim, 'SIGKILL');
    const results = await Promise.all([a, b]);
    assert.equal(results.filter((x) => x === 200).length, 1, `one request succeeds: ${results}`);
    assert.equal(results.filter((x) => x !== 200).length, 1, `the killed worker's request fails (closed connection): ${results}`);
    const exit = await events.waitFor('the exit of the killed worker', (e) => e.type === 'exit' && e.pid === victim);
    assert.equal(exit.kind, 'signal');
    assert.equal(exit.detail?.signal, 'SIGKILL');
    await events.waitFor('the respawn', (e) => e.type === 'spawn' && e.worker === exit.worker && e.kind === 'respawn' && e.seq > exit.seq);
    await waitFor('the respawned worker to be ready', async () => (await s.get('/readyz')).json().ready === 2);
    assert.equal((await s.get('/predict?text=after')).status, 200);
    await s.stop();
  });

  test('workers never outlive the master, even after SIGKILL', async () => {
    const s = await startServer({ args: ['--workers', '2', '--cheaper', '0'] });
    const pids = await runningPids(s.stats);
    assert.equal(pids.length, 2);
    process.kill(s.pid, 'SIGKILL');
    await waitFor('the workers to exit', () => pids.every((p) => !pidAlive(p)), 10000);
    await s.stop();
  });

  test('SIGTERM under load completes every in-flight and queued request, exits 0, removes its sockets', async () => {
    const s = await startServer({ args: ['--workers', '2', '--cheaper', '0', '--simulate-latency', '800'] });
    const replies = Array.from({ length: 4 }, (_, i) =>
      s.get(`/predict?text=t${i}`).then(
        (r) => r.status,
        (e: Error) => e.message,
      ),
    );
    await new Promise((r) => setTimeout(r, 200));
    const code = await s.stop('SIGTERM');
    assert.deepEqual(await Promise.all(replies), [200, 200, 200, 200]);
    assert.equal(code, 0);
    assert.equal(fs.existsSync(s.http), false, 'vacuum removed the HTTP socket');
    assert.equal(fs.existsSync(s.stats), false, 'vacuum removed the stats socket');
  });

  test('a worker that dies in a loop is respawned with a growing delay', async () => {
    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--env', 'NODE_OPTIONS=--require=/nonexistent/tidepool-crash.js'], noWait: true });
    const events = poolEvents(s.stats);
    const backedOff = await events.waitFor('a respawn after a 400 ms backoff', (e) => e.type === 'spawn' && e.detail?.backoff_ms === 400, 15000);
    const spawns = events.seen.filter((e) => e.type === 'spawn' && e.worker === 1 && e.seq <= backedOff.seq);
    assert.ok(spawns.length >= 3 && spawns.length <= 8, `spawned ${spawns.length} times up to the 400 ms backoff, not in a tight loop`);
    assert.ok(
      events.seen.filter((e) => e.type === 'exit').every((e) => e.kind === 'crash'),
      'each exit a crash',
    );
    const delays = spawns.flatMap((e) => (e.detail?.backoff_ms === undefined ? [] : [Number(e.detail.backoff_ms)]));
    assert.deepEqual(
      delays,
      [...delays].sort((a, b) => a - b),
      `delays grow: ${delays}`,
    );
    assert.equal(new Set(delays).size, delays.length, `delays grow: ${delays}`);
    for (let i = 1; i < spawns.length; i++) {
      const gap = spawns[i]!.at - spawns[i - 1]!.at;
      const delay = Number(spawns[i]!.detail?.backoff_ms ?? 0);
      assert.ok(gap >= delay, `spawn ${i + 1} came ${gap} ms after the previous one, after a ${delay} ms backoff`);
    }
    await s.stop('SIGKILL');
  });
});
