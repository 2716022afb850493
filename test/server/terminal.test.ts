import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { request } from '../helpers/http.js';
import { CLI, pidAlive, stopAll, tempDir, waitFor } from '../helpers/server.js';

after(stopAll);

test('Ctrl-C in a terminal (SIGINT to the whole process group) drains: the request in flight completes, exit 0', async () => {
  const dir = tempDir();
  const http = path.join(dir, 'http.sock');
  // Its own process group, as a shell gives a foreground job.
  const child = spawn(process.execPath, [CLI, 'serve', '--http', http, '--stats', path.join(dir, 's.sock'), '--workers', '1', '--cheaper', '0', '--simulate-latency', '800', '--disable-logging'], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    await waitFor('ready', async () => (await request({ socketPath: http }, '/readyz').catch(() => null))?.status === 200, 30000, 100);
    const worker = Number(/spawn: worker 1 \(pid (\d+)\)/.exec(log)![1]);
    const inFlight = request({ socketPath: http }, '/predict?text=ctrl-c');
    await new Promise((r) => setTimeout(r, 200));
    process.kill(-child.pid!, 'SIGINT');
    assert.equal((await inFlight).status, 200, 'the request in flight was answered');
    assert.equal(await exited, 0);
    assert.match(log, /exit: worker 1 \(pid \d+\) shutdown/);
    assert.equal(pidAlive(worker), false);
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
});
