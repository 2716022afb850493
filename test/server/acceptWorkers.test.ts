/**
 * accept = workers, with real processes on loopback TCP: the workers accept from the shared
 * socket, the master hands nothing over, the kernel's accept queue is the queue the stats and
 * the scaler see, and harakiri and the zero-loss chain reload still hold.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fetchStats } from '../../core/stats/fetchStats.js';
import { request, type Target, uwsgiRequest } from '../helpers/http.js';
import { EXPRESS_EXAMPLE } from '../helpers/userApps.js';
import { runLoad, sleep } from '../helpers/load.js';
import { ctl, poolEvents, runningPids } from '../helpers/pool.js';
import { type RunningServer, startServer, stopAll, tempDir, waitFor } from '../helpers/server.js';

/** Starts a pool whose workers accept on 127.0.0.1 (a port from the OS); readiness is read on the UNIX listener. */
async function startShared(args: string[]): Promise<{ s: RunningServer; tcp: Target }> {
  const s = await startServer({ args: ['--http', '127.0.0.1:0', '--accept', 'workers', ...args] });
  const m = await s.waitForLog(/listening on 127\.0\.0\.1:(\d+) \(HTTP\)/);
  await s.waitForLog(/workers accept on 127\.0\.0\.1:\d+ \(accept = workers\)/);
  return { s, tcp: { host: '127.0.0.1', port: Number(m[1]) } };
}

const oneShot = (tcp: Target, p: string) => request(tcp, p, { headers: { Connection: 'close' } });

describe('accept = workers: the workers accept TCP connections themselves', () => {
  after(stopAll);

  test('the master hands off no connection while workers have room, and answers its own routes through them', async () => {
    const { s, tcp } = await startShared(['--workers', '2', '--cheaper', '0', '--simulate-latency', '5']);
    for (let i = 0; i < 40; i++) assert.equal((await oneShot(tcp, `/predict?text=s${i}`)).status, 200);
    const calm = (await fetchStats(s.stats)).stats;
    assert.equal(calm.tidepool?.queue.accept, 'workers');
    assert.equal(calm.tidepool?.queue.handed_off, 0, 'one request at a time: no connection passed through the master');
    // Eight at once: a worker that accepted more than it has room for holds them, and passes them
    // to the master's queue for the idle worker; every one is answered.
    const served = new Set<string>();
    const statuses: number[] = [];
    for (let round = 0; round < 20; round++) {
      const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => oneShot(tcp, `/predict?text=r${round}x${i}`)));
      for (const r of replies) {
        statuses.push(r.status);
        served.add(String(r.headers['x-tidepool-worker']));
      }
    }
    assert.deepEqual(new Set(statuses), new Set([200]), 'all 160 requests answered 200');
    assert.equal(served.size, 2, `both workers served: ${[...served]}`);
    const h = await oneShot(tcp, '/healthz');
    assert.equal(h.status, 200);
    assert.equal(h.json().pid, s.pid, "a worker accepted it and relayed the master's answer");
    assert.equal(h.json().ready, 2);
    const metrics = await oneShot(tcp, '/metrics');
    assert.equal(metrics.status, 200);
    const total = Number(/^tidepool_requests_total (\d+)$/m.exec(metrics.body)?.[1]);
    assert.ok(total >= 160, `the pool-wide metrics (both workers' requests), not one worker's view: ${total}`);
    assert.match(metrics.body, /^tidepool_workers_max 2$/m);
    const doc = await waitFor('the tallies of all 200 requests', async () => {
      const d = (await fetchStats(s.stats)).stats;
      return d.workers.reduce((n, w) => n + w.requests, 0) >= 200 ? d : null;
    });
    const handed = doc.tidepool?.queue.handed_off ?? -1;
    assert.ok(handed >= 0 && handed < 160, `only held connections went through the master: ${handed} of 160`);
    assert.equal(doc.listen_queue, 0, 'nothing waits once the load is over');
    await s.stop();
  });

  test("requests wait in the kernel's accept queue: listen_queue shows them, the scaler spawns for them, none is lost", async () => {
    const { s, tcp } = await startShared(['--workers', '4', '--cheaper', '1', '--simulate-latency', '400']);
    const events = poolEvents(s.stats);
    const pending = Promise.all(Array.from({ length: 8 }, (_, i) => oneShot(tcp, `/predict?text=q${i}`)));
    const queued = await waitFor(
      'connections in the accept queue',
      async () => {
        const doc = (await fetchStats(s.stats)).stats;
        return doc.listen_queue > 0 ? doc : null;
      },
      5000,
      20,
    );
    const tcpSocket = queued.sockets.find((k) => k.name.startsWith('127.0.0.1:'))!;
    assert.ok(tcpSocket.queue > 0, `the TCP socket's own queue: ${tcpSocket.queue}`);
    const replies = await pending;
    assert.deepEqual(
      replies.map((r) => r.status),
      new Array(8).fill(200),
    );
    const seen = await events.refresh();
    assert.ok(
      seen.some((e) => e.type === 'spawn' && e.kind === 'scale-up'),
      `the queue made the scaler spawn: ${seen.map((e) => `${e.type}/${e.kind ?? ''}`).join(' ')}`,
    );
    await s.stop();
  });

  test("a user's express app: HTTP and uwsgi over TCP accepted by its workers, the master's routes relayed", async () => {
    const s = await startServer({
      args: ['--http', '127.0.0.1:0', '--socket', '127.0.0.1:0', '--accept', 'workers', '--workers', '2', '--cheaper', '0', '--file', EXPRESS_EXAMPLE],
    });
    const http = Number((await s.waitForLog(/listening on 127\.0\.0\.1:(\d+) \(HTTP\)/))[1]);
    const uwsgi = Number((await s.waitForLog(/listening on 127\.0\.0\.1:(\d+) \(uwsgi protocol\)/))[1]);
    await s.waitForLog(new RegExp(`workers accept on 127\\.0\\.0\\.1:${uwsgi} `));
    const tcp = { host: '127.0.0.1', port: http };
    const r = await oneShot(tcp, '/predict?text=oil+prices');
    assert.equal(r.status, 200, r.body);
    assert.match(String(r.headers['x-powered-by']), /Express/, 'the express app answered');
    const u = await uwsgiRequest({ host: '127.0.0.1', port: uwsgi }, 'GET', '/predict?text=oil+prices');
    assert.equal(u.status, 200, u.body);
    assert.deepEqual(JSON.parse(u.body), r.json(), 'the same answer over uwsgi');
    const h = await request(tcp, '/healthz');
    assert.equal(h.json().pid, s.pid, "the master's /healthz, through the express worker");
    const hu = await uwsgiRequest({ host: '127.0.0.1', port: uwsgi }, 'GET', '/readyz');
    assert.equal(JSON.parse(hu.body).pid, s.pid, 'and over uwsgi');
    assert.equal((await fetchStats(s.stats)).stats.tidepool?.queue.handed_off, 0);
    await s.stop();
  });

  test('harakiri hears a blocked worker by its silence; the client is not left hanging', async () => {
    const { s, tcp } = await startShared(['--workers', '1', '--cheaper', '0', '--harakiri', '1', '--simulate-latency', '4000']);
    const events = poolEvents(s.stats);
    const started = Date.now();
    const outcome = await oneShot(tcp, '/predict?text=slow').then(
      (r) => `status ${r.status}`,
      (e: Error) => e.message,
    );
    assert.ok(Date.now() - started < 3900, `answered (${outcome}) before the request could finish`);
    assert.notEqual(outcome, 'status 200');
    const kill = await events.waitFor('the harakiri', (e) => e.type === 'harakiri' && e.worker === 1);
    const elapsed = Number(kill.detail?.elapsed_ms);
    assert.ok(elapsed > 1000 && elapsed < 3500, `killed ${elapsed} ms into the silence, for harakiri = 1 s`);
    await events.waitFor('the respawn', (e) => e.type === 'spawn' && e.worker === 1 && e.kind === 'respawn' && e.seq > kill.seq);
    await s.stop('SIGKILL');
  });

  test('chain reload: every worker replaced one at a time, zero failed requests on the shared socket', async () => {
    const fifo = path.join(tempDir(), 'master.fifo');
    const { s, tcp } = await startShared(['--workers', '3', '--cheaper', '0', '--master-fifo', fifo, '--simulate-latency', '20']);
    const events = poolEvents(s.stats);
    const before = await runningPids(s.stats);
    // More clients than workers: workers hold connections they have no room for, and pass them on as they stop.
    const load = runLoad((i) => oneShot(tcp, `/predict?text=c${i}`).then((r) => r.status), 8, 40000);
    await sleep(300);
    const reload = ctl(fifo, 'chain-reload');
    assert.equal(reload.status, 0, reload.out);
    await events.waitFor('the chain reload to complete', (e) => e.type === 'reload' && e.kind === 'chain-done', 30000);
    await sleep(300);
    const result = await load.stop();
    assert.deepEqual(result.failed, []);
    assert.ok(load.ok() > 20, `requests went on during the reload: ${load.ok()}`);
    const afterPids = await runningPids(s.stats);
    assert.equal(afterPids.length, 3);
    for (const p of before) assert.ok(!afterPids.includes(p), 'every worker was replaced');
    const doc = (await fetchStats(s.stats)).stats;
    const served = doc.workers.reduce((n, w) => n + w.requests, 0);
    assert.ok(
      (doc.tidepool?.queue.handed_off ?? 0) < served / 2,
      `most connections never went through the master: ${doc.tidepool?.queue.handed_off} of ${served}`,
    );
    await s.stop();
  });

  for (const mode of ['master', 'workers'] as const) {
    test(`accept = ${mode}: kept-alive clients through a chain reload and a reload of all: none fails, none is cut mid-request`, async () => {
      const fifo = path.join(tempDir(), 'master.fifo');
      const s = await startServer({
        args: ['--http', '127.0.0.1:0', '--accept', mode, '--workers', '2', '--cheaper', '0', '--master-fifo', fifo, '--simulate-latency', '2'],
      });
      const port = Number((await s.waitForLog(/listening on 127\.0\.0\.1:(\d+) \(HTTP\)/))[1]);
      const events = poolEvents(s.stats);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
      const get = (i: number) =>
        new Promise<number>((resolve, reject) => {
          const req = http.get({ host: '127.0.0.1', port, path: `/predict?text=k${i}`, agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
        });
      const load = runLoad(get, 8, 40000);
      await sleep(300);
      assert.equal(ctl(fifo, 'chain-reload').status, 0);
      await events.waitFor('the chain reload to complete', (e) => e.type === 'reload' && e.kind === 'chain-done', 30000);
      assert.equal(ctl(fifo, 'reload').status, 0);
      await waitFor('both workers reloaded and ready again', async () => (await events.refresh()).filter((e) => e.type === 'ready').length >= 6, 30000);
      await sleep(300);
      const result = await load.stop();
      agent.destroy();
      assert.deepEqual(result.failed, [], `${result.ok} answered`);
      assert.ok(result.ok > 50, `requests went on throughout: ${result.ok}`);
      await s.stop();
    });
  }

  test("graceful shutdown serves what waits in the kernel's accept queue, not resets it", async () => {
    const { s, tcp } = await startShared(['--workers', '2', '--cheaper', '0', '--simulate-latency', '500', '--die-on-term']);
    const replies = Array.from({ length: 12 }, (_, i) =>
      oneShot(tcp, `/predict?text=z${i}`).then(
        (r) => r.status,
        (e: Error) => e.message,
      ),
    );
    await sleep(300);
    const exit = s.stop('SIGTERM', 30000);
    assert.deepEqual(await Promise.all(replies), new Array(12).fill(200), 'every connection the kernel had accepted was answered');
    assert.equal(await exit, 0);
  });

  test('a reload spares a connection that has not sent its request yet: it is answered when it does', async () => {
    const fifo = path.join(tempDir(), 'master.fifo');
    const { s, tcp } = await startShared(['--workers', '1', '--cheaper', '0', '--master-fifo', fifo]);
    const events = poolEvents(s.stats);
    const port = (tcp as { port: number }).port;
    const slow = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
    await sleep(300);
    const reload = ctl(fifo, 'chain-reload');
    assert.equal(reload.status, 0, reload.out);
    await sleep(1500);
    const answer = new Promise<string>((resolve) => {
      let text = '';
      slow.on('data', (c: Buffer) => (text += c.toString()));
      slow.on('close', () => resolve(text));
      slow.on('error', () => resolve(text));
    });
    slow.write('GET /predict?text=late HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(await answer, /^HTTP\/1\.1 200 /, 'the stopping worker kept it and answered');
    await events.waitFor('the chain reload to complete', (e) => e.type === 'reload' && e.kind === 'chain-done', 30000);
    await s.stop();
  });
});
