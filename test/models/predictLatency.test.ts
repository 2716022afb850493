import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareBackends, measureLatency, percentile, renderReports } from '../../bench/predict-latency.js';

test('nearest-rank percentiles', () => {
  const samples = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual([percentile(samples, 50), percentile(samples, 99), percentile(samples, 100), percentile([7], 99)], [50, 99, 100, 7]);
  assert.throws(() => percentile([], 50), /no samples/);
});

test('the latency bench measures the shipped model (no timing assertions: shared machine)', async () => {
  const report = await measureLatency({ calls: 20, batches: 2 });
  assert.equal(report.requested, 'auto');
  assert.ok(['tfjs-node', 'wasm', 'cpu', 'sparse'].includes(report.backend));
  assert.match(report.detail, new RegExp(`^${report.backend} `));
  assert.ok(report.loadMs > 0);
  assert.equal(report.calls, 20);
  assert.ok(report.singleMedianMs > 0 && report.singleP99Ms >= report.singleMedianMs);
  assert.ok(report.batchTextsPerSecond > 0 && Number.isFinite(report.batchTextsPerSecond));
});

test('backends are compared each in its own process, and rendered one row each', async () => {
  const reports = await compareBackends(['sparse', 'cpu'], { calls: 20, batches: 2, timeoutMs: 120_000 });
  assert.deepEqual(
    reports.map((r) => [r.requested, r.backend]),
    [
      ['sparse', 'sparse'],
      ['cpu', 'cpu'],
    ],
  );
  // Each child loaded TensorFlow.js itself: sparse verified against wasm although cpu ran after it in another process.
  assert.match(reports[0]!.detail, /^sparse \(plain JS, verified against wasm/);
  for (const r of reports) assert.ok(r.loadMs > 0 && r.singleMedianMs > 0 && r.batchTextsPerSecond > 0, JSON.stringify(r));
  const lines = renderReports(reports).split('\n');
  assert.match(lines[0]!, /^backend +load +batch 1 median +batch 1 p99 +batch N texts\/s +detail$/);
  assert.match(lines[1]!, /^sparse +\d+ ms +\d+\.\d{3} ms +\d+\.\d{3} ms +\d+ \(N=32\) +sparse \(plain JS/);
  assert.match(lines[2]!, /^cpu +\d+ ms .* cpu \(pure JavaScript\)$/);
});

test('a backend that fails in its child process is reported with its error', async () => {
  await assert.rejects(
    compareBackends(['wasm'], { dir: '/nonexistent/tidepool-model', calls: 1, batches: 1, timeoutMs: 60_000 }),
    /^Error: measuring backend wasm failed \(exit code 1\): predict-latency: \/nonexistent\/tidepool-model: does not exist; expected a Keras/,
  );
});

test('the latency bench measures a model file of feature rows (ONNX on onnxruntime) and a Keras file with its word index', async () => {
  const { fixture } = await import('./frameworkFixtures.js');
  const { DEFAULT_MODEL_DIR } = await import('../../models/model/layout.js');
  const path = await import('node:path');
  const onnx = await measureLatency({ dir: fixture('torch_mlp.onnx'), calls: 20, batches: 2 });
  assert.deepEqual([onnx.backend, onnx.detail], ['onnxruntime', 'onnxruntime 1.30.0 (CPU, 1 thread)']);
  assert.ok(onnx.singleMedianMs > 0 && onnx.batchTextsPerSecond > 0);
  const wordIndex = path.join(DEFAULT_MODEL_DIR, 'word_index.json');
  const [keras] = await compareBackends(['auto'], { dir: fixture('keras2style_m.h5'), wordIndex, calls: 20, batches: 2, timeoutMs: 120_000 });
  assert.equal(keras!.backend, 'sparse');
});
