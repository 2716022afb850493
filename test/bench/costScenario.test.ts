/**
 * `tidepool bench --scenario cost` as a user runs it: the built CLI as a child, real servers,
 * wrk when installed, rows of one second, the report on disk; and no process left behind.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { findWrk } from '../../bench/load/driver.js';
import { childrenOf, runBench, startBench } from '../helpers/bench.js';
import { pidAlive, tempDir, waitFor } from '../helpers/server.js';

interface CostRowJson {
  accept: string;
  poolWorkers: number;
  load: string;
  connections: number;
  client: string;
  rps: number;
  errors: number;
  non2xx: number;
  latency: { p99: number } | null;
  clientCpuShare: number | null;
  masterCpuUsPerRequest: number | null;
  workerCpuUsPerRequest: number | null;
  waitingHalfway: number | null;
  acceptReported: string | null;
}

test('--scenario cost: master and worker CPU per request for each load and pool, the client named, the model for 2..64 cores; every process stopped', {
  timeout: 90000,
}, async () => {
  const out = path.join(tempDir('tidepool-bench-cost-'), 'report');
  const r = await runBench(['--scenario', 'cost', '--json', '--out', out, '--phase-seconds', '1', '--connections', '16'], 85000);
  assert.equal(r.code, 0, `exit ${r.code}; stderr:\n${r.stderr.slice(-3000)}`);
  const json = JSON.parse(r.stdout);
  assert.deepEqual(json.errors, []);
  const result = json.results.find((x: { kind: string }) => x.kind === 'cost');
  assert.equal(result.driver.name, findWrk() === null ? 'bench' : 'wrk', 'wrk drives the rows when installed');
  assert.ok(result.acceptModes.includes('master'));

  const rows = result.rows as CostRowJson[];
  const master = rows.filter((x) => x.accept === 'master');
  const key = (x: CostRowJson) => `${x.poolWorkers} ${x.load} ${x.connections}`;
  // queued: 32 requests in the worker (batch-max-size), 16 more waiting.
  assert.deepEqual(master.map(key), ['1 one-shot 1', '1 keep-alive 16', '1 queued 48', '2 one-shot 2', '2 keep-alive 16']);
  assert.equal(rows.length, master.length * result.acceptModes.length, 'every load on every mode');
  assert.deepEqual(
    rows.slice(0, result.acceptModes.length).map((x) => x.accept),
    result.acceptModes,
    'the modes alternate row by row',
  );
  for (const row of master) {
    assert.equal(row.client, result.driver.name, `${key(row)}: the client that drove it is named`);
    assert.ok(row.rps > 0, `${key(row)} answered`);
    assert.equal(row.errors + row.non2xx, 0, `${key(row)}: no failures`);
    assert.ok(row.masterCpuUsPerRequest! > 0, `${key(row)}: master CPU per request ${row.masterCpuUsPerRequest}`);
    assert.ok(row.workerCpuUsPerRequest! > 0, `${key(row)}: worker CPU per request ${row.workerCpuUsPerRequest}`);
    assert.ok(row.clientCpuShare! > 0 && row.clientCpuShare! < 1, `${key(row)}: client CPU share ${row.clientCpuShare}`);
    assert.ok(row.latency!.p99 > 0, `${key(row)}: p99`);
  }

  const queued = master.find((x) => x.load === 'queued')!;
  assert.ok(queued.waitingHalfway! > 0, `requests waited in the master's queue in the queued row (${queued.waitingHalfway} halfway)`);
  assert.equal(queued.acceptReported, 'master', 'the stats say who accepted');

  assert.equal(result.model.rows.length, 6);
  assert.deepEqual(
    result.model.rows.map((x: { cores: number }) => x.cores),
    [2, 4, 8, 16, 32, 64],
  );
  const first = result.model.rows[0].modes.find((m: { mode: string }) => m.mode === 'master');
  assert.ok(first.oneShot.servedRps > 0 && first.keepAlive.servedRps > 0);

  const summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
  assert.match(summary, /## Cost: the master's CPU against the workers', per request/);
  assert.match(summary, /### Scale model: the served rate on N cores/);
  assert.match(summary, /- accept=master: the master is the bottleneck for one-shot connections (from \d+ cores on|never)/);

  // The bench stopped every server it started, masters and workers.
  const pids = result.servers.flatMap((s: { pids: { master: number; workers: number[] } }) => [s.pids.master, ...s.pids.workers]);
  assert.equal(pids.length, result.acceptModes.length * (1 + 1 + 1 + 2), 'a master and its workers per server');
  await waitFor('every server process gone', () => pids.every((pid: number) => !pidAlive(pid)), 5000);
});

test('SIGINT in the middle of a cost row: the rows measured before it are reported, every server and worker is gone, exit 130', {
  timeout: 90000,
}, async () => {
  const out = path.join(tempDir('tidepool-bench-cost-'), 'report');
  const run = startBench(['--scenario', 'cost', '--out', out, '--phase-seconds', '2']);
  const { child } = run;
  const stderr = run.stderr;
  try {
    // The first row is measured (either driver notes its result); the next one is cut short.
    await waitFor('the first row to be measured', () => /accept=master, 1 worker, one-shot at 1: [\d.]+ req\/s/.test(stderr()), 60000);
    const masters = childrenOf(child.pid!).filter((pid) => childrenOf(pid).length > 0);
    const processes = [...masters, ...masters.flatMap(childrenOf)];
    assert.ok(masters.length >= 1, 'the bench runs tidepool masters with workers');
    await new Promise((r) => setTimeout(r, 500));

    const code = await run.interrupt();
    assert.equal(code, 130, stderr().slice(-2000));
    for (const pid of processes) assert.equal(pidAlive(pid), false, `pid ${pid} still alive after the bench exited`);
    const summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    assert.match(summary, /INTERRUPTED \(Ctrl-C\)/);
    assert.match(summary, /\| master \| 1 \| one-shot \| 1 \| [\d.]+ \|/, 'the row measured before the interrupt is reported');
    assert.doesNotMatch(summary, /- cost: interrupted/, 'the scenario itself did not fail');
  } finally {
    child.kill('SIGKILL');
  }
});
