import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latencyStats, percentile } from '../../bench/analysis/percentiles.js';

test('percentile is nearest-rank: always a measured value', () => {
  const sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 90), 90);
  assert.equal(percentile(sorted, 99), 100);
  assert.equal(percentile(sorted, 0), 10);
  assert.equal(percentile([7], 99), 7);
});

test('percentile rejects no samples and out-of-range percentiles', () => {
  assert.throws(() => percentile([], 50), /no samples/);
  assert.throws(() => percentile([1], 101), /between 0 and 100, got 101/);
});

test('latencyStats sorts its input and is null without values', () => {
  assert.equal(latencyStats([]), null);
  const s = latencyStats([300, 100, 200, 400]);
  assert.deepEqual(s, { count: 4, min: 100, mean: 250, p50: 200, p90: 400, p99: 400, max: 400 });
});

test('p99 of 200 values is the second slowest, not the slowest', () => {
  const values = Array.from({ length: 200 }, (_, i) => i + 1);
  assert.equal(latencyStats(values)!.p99, 198);
});
