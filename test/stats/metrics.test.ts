import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { DURATION_BUCKETS_S } from '../../server/ipc/messages.js';
import { request } from '../helpers/http.js';
import { startServer, stopAll, tempDir, waitFor } from '../helpers/server.js';
import { parsePrometheus, sampleValue } from './promParse.js';
import { readDocument } from './statsClient.js';

after(stopAll);

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

test('/metrics on the HTTP listener: strict text format, values that agree with the requests made and the stats document', async () => {
  const server = await startServer({ args: ['--workers', '2', '--cheaper', '0'] });
  // Both workers ready, so the state gauges are settled.
  await waitFor('two ready workers', async () => (await readDocument(server.stats)).workers.every((w: any) => w.accepting === 1), 10_000);
  for (let i = 0; i < 6; i++) assert.equal((await server.get(`/predict?text=wheat+harvest+${i}`)).status, 200);
  assert.equal((await server.get('/predict')).status, 400, 'a request without text is a 400: a request, not an exception');

  const reply = await waitFor(
    'the last request counted',
    async () => {
      const r = await server.get('/metrics');
      return sampleValue(parsePrometheus(r.body), 'tidepool_requests_total') === 7 && r;
    },
    5000,
  );
  assert.equal(reply.status, 200);
  assert.equal(reply.headers['content-type'], CONTENT_TYPE);
  const m = parsePrometheus(reply.body);
  const v = (name: string, labels?: Record<string, string>): number => sampleValue(m, name, labels);

  assert.equal(v('tidepool_workers', { state: 'idle' }), 2);
  for (const state of ['busy', 'loading', 'stopping', 'cheap']) assert.equal(v('tidepool_workers', { state }), 0, state);
  assert.equal(v('tidepool_workers_max'), 2);
  assert.equal(v('tidepool_busy_ratio'), 0);
  assert.equal(v('tidepool_queue_length'), 0);
  assert.equal(v('tidepool_queue_limit'), 100);
  assert.equal(v('tidepool_requests_rejected_total'), 0);
  assert.equal(v('tidepool_request_exceptions_total'), 0);
  assert.equal(v('tidepool_harakiri_total'), 0);
  assert.equal(v('tidepool_worker_spawns_total', { reason: 'initial' }), 2);
  assert.equal(v('tidepool_worker_exits_total', { reason: 'signal' }), 0);
  assert.equal(v('tidepool_worker_requests_total', { worker: '1' }) + v('tidepool_worker_requests_total', { worker: '2' }), 7);
  assert.equal(v('tidepool_request_duration_seconds_count'), 7);
  assert.equal(m.get('tidepool_request_duration_seconds')!.samples.filter((s) => s.name.endsWith('_bucket')).length, DURATION_BUCKETS_S.length + 1);

  // Documents are cached for 100 ms: wait for one built after the last request.
  const doc = await waitFor(
    'a document with the 7 requests',
    async () => {
      const d = await readDocument(server.stats);
      return d.workers.reduce((a: number, w: any) => a + w.requests, 0) === 7 && d;
    },
    2000,
    20,
  );
  const runningTimeS = doc.workers.reduce((a: number, w: any) => a + w.running_time, 0) / 1e6;
  assert.ok(Math.abs(v('tidepool_request_duration_seconds_sum') - runningTimeS) < 1e-6, "the histogram sum is the workers' running_time");
  for (const w of doc.workers) assert.ok(Math.abs(v('tidepool_worker_rss_bytes', { worker: String(w.id) }) - w.rss) < 50 * 1024 * 1024);
  assert.ok(v('tidepool_worker_rss_bytes', { worker: '1' }) > 0);
  // user + system: Linux splits the two by sampled ticks, so either alone may still be 0.
  assert.ok(v('process_cpu_seconds_total') > 0, "the master's process metrics are there too, as of this scrape");
  assert.ok(m.has('nodejs_eventloop_lag_seconds'));

  // A worker killed: an exit by signal and a respawn, counted from the pool's events.
  process.kill(doc.workers[0].pid, 'SIGKILL');
  const after = await waitFor(
    'the exit and respawn counted',
    async () => {
      const m2 = parsePrometheus((await server.get('/metrics')).body);
      return sampleValue(m2, 'tidepool_worker_spawns_total', { reason: 'respawn' }) === 1 && m2;
    },
    10_000,
  );
  assert.equal(sampleValue(after, 'tidepool_worker_exits_total', { reason: 'signal' }), 1);
  assert.equal(sampleValue(after, 'tidepool_requests_total'), 7, 'counters survive the respawn');

  const post = await request({ socketPath: server.http }, '/metrics', { method: 'POST', body: 'x' });
  assert.equal(post.status, 405);
  await server.stop('SIGTERM');
});

test('metrics = ADDR: a listener of its own (0600, vacuumed), and /metrics on the app listener goes to the app', async () => {
  const dir = tempDir('tidepool-metrics-');
  const metrics = path.join(dir, 'metrics.sock');
  const server = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--metrics', metrics] });
  const r = await request({ socketPath: metrics }, '/metrics');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], CONTENT_TYPE);
  assert.equal(sampleValue(parsePrometheus(r.body), 'tidepool_workers_max'), 1);
  assert.equal((await request({ socketPath: metrics }, '/other')).status, 404);
  assert.equal(fs.statSync(metrics).mode & 0o777, 0o600);
  assert.equal((await server.get('/metrics')).status, 404, 'the worker app has no /metrics');
  await server.stop('SIGTERM');
  assert.equal(fs.existsSync(metrics), false);
  fs.rmSync(dir, { recursive: true, force: true });
});
