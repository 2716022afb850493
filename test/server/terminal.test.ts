import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { request } from '../helpers/http.js';
import { CLI, pidAlive, stopAll, tempDir, waitFor } from '../helpers/server.js';
import { followEvents } from '../stats/statsClient.js';

after(stopAll);

test('Ctrl-C in a terminal (SIGINT to the whole process group) drains: the request in flight completes, exit 0', async () => {
  const dir = tempDir();
  const http = path.join(dir, 'http.sock');
  const stats = path.join(dir, 's.sock');
  const pool = ['--workers', '1', '--cheaper', '0', '--simulate-latency', '800', '--disable-logging'];
  // Its own process group, as a shell gives a foreground job.
  const child = spawn(process.execPath, [CLI, 'serve', '--http', http, '--stats', stats, '--stats-http', ...pool], { detached: true, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    await waitFor('ready', async () => (await request({ socketPath: http }, '/readyz').catch(() => null))?.status === 200, 30000, 100);
    // The event stream stays open until the master closes it: the last events arrive on it.
    const events = await followEvents(stats);
    const worker = (await events.waitFor("the worker's spawn", (e) => e.type === 'spawn' && e.worker === 1)).pid!;
    const inFlight = request({ socketPath: http }, '/predict?text=ctrl-c');
    await new Promise((r) => setTimeout(r, 200));
    process.kill(-child.pid!, 'SIGINT');
    assert.equal((await inFlight).status, 200, 'the request in flight was answered');
    const exit = await events.waitFor("the worker's exit", (e) => e.type === 'exit' && e.pid === worker);
    assert.equal(exit.kind, 'shutdown', 'the master stopped its worker');
    assert.equal(exit.detail?.code, 0, 'and the worker left by itself, after its request');
    assert.equal(await exited, 0);
    assert.equal(pidAlive(worker), false);
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
});
