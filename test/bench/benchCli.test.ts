/**
 * The built `tidepool bench` as a user runs it: a child process, real servers, the report on disk.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { runBench } from '../helpers/bench.js';
import { startServer, stopAll, tempDir } from '../helpers/server.js';
import { startUwsgi, stopAllUwsgi, uwsgiMissing } from '../helpers/uwsgi.js';
import { findAll, parseXml } from './xml.js';

after(stopAll);
after(stopAllUwsgi);

interface ThroughputRowJson {
  mode: string;
  load: string;
  client: string;
  rps: number;
  workers: number | null;
  clientCpuShare: number | null;
  serverCpuUsPerRequest: number | null;
}

const seriesOf = (svg: string) => findAll(parseXml(svg), (e) => e.attrs['data-series'] !== undefined).map((e) => e.attrs['data-series']);

test('npm run bench -- --quick --json: every default scenario, the report on disk', async () => {
  const out = path.join(tempDir('tidepool-bench-test-'), 'report');
  const r = await runBench(['--quick', '--json', '--out', out]);
  assert.equal(r.code, 0, `exit ${r.code}; stderr:\n${r.stderr.slice(-3000)}`);
  const json = JSON.parse(r.stdout);
  assert.equal(json.version, 1);
  assert.equal(json.ok, true);
  assert.deepEqual(json.scenarios, ['burst', 'scale', 'throughput', 'crosscheck']);
  assert.deepEqual(
    json.results.map((x: { kind: string }) => x.kind),
    ['burst', 'scale', 'throughput', 'crosscheck'],
  );
  assert.deepEqual(json.errors, []);

  const [burst, scale, throughput, crosscheck] = json.results;
  assert.equal(burst.answers.length, 11);
  for (const a of burst.answers) {
    assert.equal(a.status, 200);
    assert.match(a.worker, /^\d+$/, 'each answer names the worker slot that served it');
    assert.ok(a.latencyMs >= 100, 'each request sleeps 100 ms in --quick');
  }
  assert.deepEqual(
    scale.variants.map((v: { name: string }) => v.name),
    ['spare step 3', 'tidepool defaults'],
  );
  for (const v of scale.variants) {
    assert.equal(v.run.statsSource, 'tidepool');
    assert.ok(v.run.samples > 5, 'the stats socket was read during the run');
    assert.equal(typeof v.metrics.workerSeconds, 'number');
    assert.ok(v.metrics.latency.count > 0);
  }
  assert.ok(scale.variants[1].metrics.spawns > 0, 'tidepool spawns for waiting requests');
  assert.deepEqual([...new Set(throughput.rows.map((x: { mode: string }) => x.mode))], ['closed', 'open']);
  assert.ok(throughput.rows.every((x: { rps: number }) => x.rps > 0));
  assert.equal(throughput.driver.name, 'wrk', 'wrk is installed here (.ci/run): it drives the closed loop');
  for (const row of throughput.rows as ThroughputRowJson[]) {
    assert.equal(row.client, row.mode === 'closed' ? 'wrk' : 'bench');
    assert.ok(row.clientCpuShare! > 0 && row.clientCpuShare! < 1, `${row.load}: client CPU share ${row.clientCpuShare}`);
    assert.ok(row.serverCpuUsPerRequest! > 0, `${row.load}: server CPU per request ${row.serverCpuUsPerRequest}`);
  }
  assert.equal(crosscheck.check.agree, true);

  assert.ok(fs.existsSync(json.files.summary) && fs.existsSync(json.files.timeline));
  const summary = fs.readFileSync(json.files.summary, 'utf8');
  assert.match(summary, /\| time to first spawn \| [\d.]+ s \|/);
  assert.match(summary, /\| time to enough capacity \|/);
  assert.match(summary, /\| worker-seconds used \|/);
  assert.match(summary, /Ratio harness \/ wrk: [\d.]+: \*\*agree\*\*/);
  const timeline = JSON.parse(fs.readFileSync(json.files.timeline, 'utf8'));
  assert.equal(timeline.results[0].run.responses.length, 11, 'the timeline holds the raw responses');

  assert.ok(json.files.charts.length >= 6);
  for (const file of json.files.charts as string[]) {
    assert.ok(file.startsWith(out));
    const series = seriesOf(fs.readFileSync(file, 'utf8'));
    if (file.endsWith('-workers.svg')) assert.deepEqual(series, ['running', 'ready', 'busy', 'queue'], file);
    else if (file.endsWith('-answers.svg')) assert.deepEqual(series, ['latency'], file);
    else assert.deepEqual(series, ['requests/s', 'p50 latency', 'p99 latency'], file);
  }
  assert.ok(json.files.charts.some((f: string) => f.endsWith('scale-tidepool-defaults-workers.svg')));
  const bars = findAll(parseXml(fs.readFileSync(path.join(out, 'burst-answers.svg'), 'utf8')), (e) => e.name === 'rect' && e.attrs['fill-opacity'] === '0.85');
  assert.equal(bars.length, 11, 'one bar per burst answer');
  const spawnMarks = findAll(parseXml(fs.readFileSync(path.join(out, 'scale-tidepool-defaults-workers.svg'), 'utf8')), (e) => e.attrs.class === 'spawn');
  assert.ok(spawnMarks.length > 0, 'spawns are marked on the workers chart');
});

test('against a running server (--url, --stats): it is loaded and read, not started or stopped', async () => {
  const server = await startServer({
    args: ['--http', '127.0.0.1:0', '--workers', '4', '--cheaper', '1', '--cheaper-initial', '1', '--simulate-latency', '300'],
  });
  const m = await server.waitForLog(/listening on (127\.0\.0\.1:\d+) \(HTTP\)/);
  const out = path.join(tempDir('tidepool-bench-test-'), 'report');
  const r = await runBench([
    '--url',
    `http://${m[1]}`,
    '--stats',
    server.stats,
    '--scenario',
    'burst,scale',
    '--quick',
    '--json',
    '--requests',
    '6',
    '--clients',
    '3',
    '--duration',
    '2',
    '--cooldown',
    '0.5',
    '--out',
    out,
  ]);
  assert.equal(r.code, 0, `exit ${r.code}; stderr:\n${r.stderr.slice(-3000)}`);
  const json = JSON.parse(r.stdout);
  assert.equal(json.url, `http://${m[1]}`);
  const [burst, scale] = json.results;
  assert.equal(burst.server.started, false);
  assert.equal(burst.answers.length, 6);
  assert.deepEqual(
    scale.variants.map((v: { name: string }) => v.name),
    ['as configured'],
  );
  const variant = scale.variants[0];
  assert.equal(variant.run.statsSource, 'tidepool');
  assert.ok(variant.metrics.spawns + burst.usage.spawns > 0, 'the pool events were read from the server');
  assert.equal(variant.metrics.serviceTimeKnown, false, 'the bench did not choose the service time: it estimates it');
  assert.match(fs.readFileSync(path.join(out, 'summary.md'), 'utf8'), /already running; the bench changed nothing in it/);
  assert.equal(server.child.exitCode, null, 'the bench does not stop a server it did not start');
  assert.equal((await server.get('/readyz')).status, 200);
});

test('--url where nothing listens: one clear message, exit 1, no report', async () => {
  const out = path.join(tempDir('tidepool-bench-test-'), 'report');
  const r = await runBench(['--url', 'http://127.0.0.1:1', '--quick', '--out', out]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--url http:\/\/127\.0\.0\.1:1 does not answer HTTP \(.*ECONNREFUSED.*\): is the server running there\?/);
  assert.equal(fs.existsSync(out), false);
});

test('bad options: exit 2 and a message naming the option', async () => {
  const r = await runBench(['--clients', 'lots']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /tidepool bench: Expected --clients to be a whole number >= 1, got "lots"/);
  assert.equal(r.stdout, '');
});

test('--help describes the scenarios and exits 0', async () => {
  const r = await runBench(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: tidepool bench \[options\]/);
  for (const name of ['burst', 'scale', 'throughput', 'profile', 'crosscheck', '--url', '--stats', '--quick', '--json', '--out'])
    assert.ok(r.stdout.includes(name), name);
});

test('--scenario compare: tidepool with and without batching, the constant and same-model clusters, kept alive and one-shot; ratios, goals', async () => {
  const out = tempDir('tidepool-bench-compare-');
  const r = await runBench(['--scenario', 'compare', '--quick', '--json', '--out', out, '--connections', '1,4', '--phase-seconds', '1']);
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  const json = JSON.parse(r.stdout);
  const result = json.results.find((x: { kind: string }) => x.kind === 'compare');
  assert.equal(result.driver.name, 'wrk');
  interface Row {
    targetId: string;
    connections: number;
    oneShot: boolean;
    rps: number;
    errors: number;
    non2xx: number;
    clientCpuShare: number;
    serverCpuUsPerRequest: number;
  }
  const rows = result.rows as Row[];
  const key = (x: (typeof rows)[number]) => `${x.targetId} ${x.connections}${x.oneShot ? ' one-shot' : ''}`;
  assert.deepEqual(rows.map(key), [
    'tidepool 1',
    'tidepool 4',
    'tidepool 4 one-shot',
    'tidepool-no-batching 1',
    'tidepool-no-batching 4',
    'tidepool-accept-workers 1',
    'tidepool-accept-workers 4',
    'tidepool-accept-workers 4 one-shot',
    'cluster-constant 1',
    'cluster-constant 4',
    'cluster-constant 4 one-shot',
    'cluster-model 1',
    'cluster-model 4',
    'cluster-model 4 one-shot',
  ]);
  for (const row of rows) {
    assert.ok(row.rps > 0, `${key(row)} answered`);
    assert.equal(row.errors + row.non2xx, 0, `${key(row)}: no failures`);
    assert.ok(row.serverCpuUsPerRequest > 0, `${key(row)}: server CPU per request measured`);
    assert.ok(row.clientCpuShare > 0 && row.clientCpuShare < 1, `${key(row)}: client CPU share ${row.clientCpuShare}`);
  }
  assert.ok(result.ratios.some((x: { name: string; oneShot: boolean }) => x.name === 'tidepool / same-model cluster' && x.oneShot));
  assert.deepEqual(
    result.goals.map((g: { met: boolean | null }) => typeof g.met),
    ['boolean', 'boolean', 'boolean', 'boolean', 'boolean', 'boolean'],
    'every goal measured, for both accept modes',
  );
  const summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
  assert.match(summary, /## Compare: tidepool against node:http clusters/);
  assert.match(summary, /Load: wrk -t1 \(/);
  assert.match(summary, /- 4 connections, one-shot: tidepool \/ constant-JSON cluster [\d.]+; tidepool \/ same-model cluster [\d.]+/);
  assert.match(summary, /- one-shot req\/s >= 0\.95 x the same-model cluster: [\d.]+ at 4 connections: \*\*(met|missed)\*\*/);
  assert.match(summary, /- accept = workers: one-shot req\/s >= 0\.95 x the same-model cluster: [\d.]+ at 4 connections: \*\*(met|missed)\*\*/);
});

test("--driver bench: without wrk the closed loop is the bench's own client, which sees the workers", async () => {
  const out = tempDir('tidepool-bench-driver-');
  const r = await runBench(['--scenario', 'throughput', '--quick', '--json', '--out', out, '--driver', 'bench', '--connections', '2', '--rate', '40']);
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  const throughput = JSON.parse(r.stdout).results[0];
  assert.equal(throughput.driver.name, 'bench');
  const rows = throughput.rows as ThroughputRowJson[];
  assert.deepEqual(
    rows.map((x) => [x.mode, x.client]),
    [
      ['closed', 'bench'],
      ['open', 'bench'],
    ],
  );
  for (const row of rows) {
    assert.equal(row.workers, 1, 'one worker answered, named by X-Tidepool-Worker');
    assert.ok(row.clientCpuShare! > 0 && row.serverCpuUsPerRequest! > 0);
  }
  assert.match(fs.readFileSync(path.join(out, 'summary.md'), 'utf8'), /Closed loop driven by the bench's own closed-loop client \(--driver bench\)/);
});

test("--url and --stats against a real uWSGI 2.0: the burst is answered in full and its spawns read from uWSGI's stats", {
  skip: uwsgiMissing() ?? false,
}, async () => {
  const uwsgi = await startUwsgi({ workers: 4, cheaper: 1, cheaperInitial: 1, algo: 'spare', serviceMs: 300, extra: ['--cheaper-overload', '1'] });
  const out = tempDir('tidepool-bench-uwsgi-');
  const run = await runBench(['--url', uwsgi.url, '--stats', uwsgi.stats, '--scenario', 'burst', '--json', '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  const burst = report.results[0];
  assert.equal(burst.kind, 'burst');
  assert.equal(burst.run.statsSource, 'uwsgi');
  assert.equal(burst.answers.length, 11, 'every answer counted, though uWSGI ends each one with the connection');
  assert.ok(burst.answers.every((a: { status: number; worker: string | null }) => a.status === 200 && a.worker === null));
  assert.deepEqual(burst.failures, []);
  // One 300 ms worker to start with: the last of 11 answers cannot come before spare has added workers.
  assert.ok(burst.usage.spawns >= 1 && burst.usage.firstSpawnS !== null, `spawns seen in uWSGI's stats: ${JSON.stringify(burst.usage)}`);
  assert.ok(burst.usage.peakRunning >= 2);
  assert.match(fs.readFileSync(path.join(out, 'summary.md'), 'utf8'), /11 of 11 answered \(the server names no worker: no X-Tidepool-Worker header\)/);
  await uwsgi.stop();
});
