/**
 * Ctrl-C in the middle of a run: the bench stops the server it started (and its workers), writes
 * what it measured, and exits 130.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CLI, pidAlive, tempDir, waitFor } from '../helpers/server.js';
import { getStatus } from '../../bench/target/startTidepool.js';

function childrenOf(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

test('SIGINT during a scale run: the server and its workers are gone, the partial report is written, exit 130', async () => {
  const out = path.join(tempDir('tidepool-bench-test-'), 'report');
  const child = spawn(process.execPath, [CLI, 'bench', '--scenario', 'scale', '--quick', '--duration', '30', '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    const url = (await waitFor('the server to be ready', () => /server ready at (http:\/\/\S+)/.exec(stderr), 30000))[1]!;
    await waitFor('the step to start', () => stderr.includes('phase 2/3'), 30000);
    const [master] = childrenOf(child.pid!);
    assert.ok(master, 'the bench started a tidepool master');
    const workers = childrenOf(master);
    assert.ok(workers.length >= 1, 'with workers');
    await new Promise((r) => setTimeout(r, 500));

    child.kill('SIGINT');
    const code = await Promise.race([
      exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within 30 s:\n${stderr.slice(-2000)}`)), 30000).unref()),
    ]);
    assert.equal(code, 130, stderr.slice(-2000));
    for (const pid of [master, ...workers]) assert.equal(pidAlive(pid), false, `pid ${pid} still alive after the bench exited`);
    await assert.rejects(getStatus(`${url}/readyz`, 1000), /ECONNREFUSED/);
    const summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    assert.match(summary, /INTERRUPTED \(Ctrl-C\)/);
    assert.match(summary, /\| time to first spawn \|/, 'what was measured before the interrupt is reported');
  } finally {
    child.kill('SIGKILL');
  }
});
