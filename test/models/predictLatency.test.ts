import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureLatency, percentile } from '../../bench/predict-latency.js';

test('nearest-rank percentiles', () => {
  const samples = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual([percentile(samples, 50), percentile(samples, 99), percentile(samples, 100), percentile([7], 99)], [50, 99, 100, 7]);
  assert.throws(() => percentile([], 50), /no samples/);
});

test('the latency bench measures the shipped model (no timing assertions: shared machine)', async () => {
  const report = await measureLatency({ calls: 20, batches: 2 });
  assert.match(report.backend, /^(tfjs-node|wasm|cpu)/);
  assert.equal(report.calls, 20);
  assert.ok(report.singleMedianMs > 0 && report.singleP99Ms >= report.singleMedianMs);
  assert.ok(report.batchTextsPerSecond > 0 && Number.isFinite(report.batchTextsPerSecond));
});
