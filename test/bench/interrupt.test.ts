/**
 * Ctrl-C in the middle of a run: the bench stops the server it started (and its workers), writes
 * what it measured, and exits 130.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { childrenOf, startBench } from '../helpers/bench.js';
import { pidAlive, tempDir, waitFor } from '../helpers/server.js';
import { getStatus } from '../../bench/target/startTidepool.js';

test('SIGINT during a scale run: the server and its workers are gone, the partial report is written, exit 130', async () => {
  const out = path.join(tempDir('tidepool-bench-test-'), 'report');
  const run = startBench(['--scenario', 'scale', '--quick', '--duration', '30', '--out', out]);
  const { child } = run;
  const stderr = run.stderr;
  try {
    const url = (await waitFor('the server to be ready', () => /server ready at (http:\/\/\S+)/.exec(stderr()), 30000))[1]!;
    await waitFor('the step to start', () => stderr().includes('phase 2/3'), 30000);
    const [master] = childrenOf(child.pid!);
    assert.ok(master, 'the bench started a tidepool master');
    const workers = childrenOf(master);
    assert.ok(workers.length >= 1, 'with workers');
    await new Promise((r) => setTimeout(r, 500));

    const code = await run.interrupt();
    assert.equal(code, 130, stderr().slice(-2000));
    for (const pid of [master, ...workers]) assert.equal(pidAlive(pid), false, `pid ${pid} still alive after the bench exited`);
    await assert.rejects(getStatus(`${url}/readyz`, 1000), /ECONNREFUSED/);
    const summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    assert.match(summary, /INTERRUPTED \(Ctrl-C\)/);
    assert.match(summary, /\| time to first spawn \|/, 'what was measured before the interrupt is reported');
  } finally {
    child.kill('SIGKILL');
  }
});
