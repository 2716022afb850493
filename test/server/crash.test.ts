import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { pidAlive, startServer, stopAll, waitFor } from '../helpers/server.js';

describe('crashes, master death and shutdown', () => {
  after(stopAll);

  test('kill -9 of a busy worker: its request fails, the other succeeds, the slot respawns', async () => {
    const s = await startServer({ args: ['--workers', '2', '--cheaper', '0', '--simulate-latency', '1500'] });
    const pidsBefore = s.workerPids();
    assert.equal(pidsBefore.length, 2);
    const a = s.get('/predict?text=a').then((r) => r.status, (e: Error) => e.message);
    const b = s.get('/predict?text=b').then((r) => r.status, (e: Error) => e.message);
    await new Promise((r) => setTimeout(r, 400));
    const victim = pidsBefore[0]!;
    process.kill(victim, 'SIGKILL');
    const results = await Promise.all([a, b]);
    assert.equal(results.filter((x) => x === 200).length, 1, `one request succeeds: ${results}`);
    assert.equal(results.filter((x) => x !== 200).length, 1, `the killed worker's request fails (closed connection): ${results}`);
    await s.waitForLog(new RegExp(`exit: worker \\d+ \\(pid ${victim}\\) signal: killed by SIGKILL`));
    await s.waitForLog(/spawn: worker \d+ \(pid \d+\) respawn after signal/);
    await waitFor('the respawned worker to be ready', async () => (await s.get('/readyz')).json().ready === 2);
    assert.equal((await s.get('/predict?text=after')).status, 200);
    await s.stop();
  });

  test('workers never outlive the master, even after SIGKILL', async () => {
    const s = await startServer({ args: ['--workers', '2', '--cheaper', '0'] });
    const pids = s.workerPids();
    assert.equal(pids.length, 2);
    process.kill(s.pid, 'SIGKILL');
    await waitFor('the workers to exit', () => pids.every((p) => !pidAlive(p)), 10000);
    await s.stop();
  });

  test('SIGTERM under load completes every in-flight and queued request, exits 0, removes its sockets', async () => {
    const s = await startServer({ args: ['--workers', '2', '--cheaper', '0', '--simulate-latency', '800'] });
    const replies = Array.from({ length: 4 }, (_, i) => s.get(`/predict?text=t${i}`).then((r) => r.status, (e: Error) => e.message));
    await new Promise((r) => setTimeout(r, 200));
    const code = await s.stop('SIGTERM');
    assert.deepEqual(await Promise.all(replies), [200, 200, 200, 200]);
    assert.equal(code, 0);
    assert.equal(fs.existsSync(s.http), false, 'vacuum removed the HTTP socket');
    assert.equal(fs.existsSync(s.stats), false, 'vacuum removed the stats socket');
  });

  test('a worker that dies in a loop is respawned with a growing delay', async () => {
    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--env', 'NODE_OPTIONS=--require=/nonexistent/tidepool-crash.js'], noWait: true });
    await s.waitForLog(/respawning in 400 ms/, 15000);
    const spawns = [...s.log().matchAll(/spawn: worker 1/g)].length;
    assert.ok(spawns >= 3 && spawns <= 8, `spawned ${spawns} times before the 400 ms backoff, not in a tight loop`);
    const delays = [...s.log().matchAll(/respawning in (\d+) ms/g)].map((m) => Number(m[1]));
    for (let i = 1; i < delays.length; i++) assert.ok(delays[i]! > delays[i - 1]!, `delays grow: ${delays}`);
    await s.stop('SIGKILL');
  });
});
