import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderFamilies } from '../../server/stats/promText.js';
import { exitReason, spawnReason } from '../../server/stats/metrics.js';
import { parsePrometheus, sampleValue } from './promParse.js';

test('renders gauges, counters with escaped labels, and a pre-bucketed histogram the strict parser accepts', () => {
  const text = renderFamilies([
    { name: 'a_gauge', help: 'A gauge\nwith a back\\slash.', type: 'gauge', samples: [{ value: 1.5 }] },
    { name: 'b_total', help: 'B.', type: 'counter', samples: [{ labels: { reason: 'say "hi"\\\n' }, value: 3 }, { labels: { reason: 'x' }, value: 0 }] },
    { name: 'c_seconds', help: 'C.', type: 'histogram', bounds: [0.1, 1, 10], counts: [2, 0, 5, 1], sum: 12.25 },
  ]);
  const families = parsePrometheus(text);
  assert.equal(sampleValue(families, 'a_gauge'), 1.5);
  assert.equal(sampleValue(families, 'b_total', { reason: 'say "hi"\\\n' }), 3);
  assert.equal(sampleValue(families, 'c_seconds_bucket', { le: '0.1' }), 2);
  assert.equal(sampleValue(families, 'c_seconds_bucket', { le: '1' }), 2);
  assert.equal(sampleValue(families, 'c_seconds_bucket', { le: '10' }), 7);
  assert.equal(sampleValue(families, 'c_seconds_bucket', { le: '+Inf' }), 8);
  assert.equal(sampleValue(families, 'c_seconds_count'), 8);
  assert.equal(sampleValue(families, 'c_seconds_sum'), 12.25);
  assert.equal(families.get('a_gauge')!.help, 'A gauge\\nwith a back\\\\slash.');
});

test('a histogram with the wrong number of bucket counts is refused, naming it', () => {
  assert.throws(() => renderFamilies([{ name: 'h', help: 'H.', type: 'histogram', bounds: [1, 2], counts: [1, 2], sum: 0 }]), /histogram h: expected 3 bucket counts for 2 bounds, got 2/);
});

test('the test parser rejects what Prometheus would (so the metrics tests can fail)', () => {
  assert.throws(() => parsePrometheus('x 1\n'), /without a TYPE/);
  assert.throws(() => parsePrometheus('# TYPE x gauge\nx{a="1} 1\n'), /bad label list|not a sample/);
  assert.throws(() => parsePrometheus('# TYPE x gauge\nx 1\nx 2\n'), /duplicate series/);
  assert.throws(() => parsePrometheus('# TYPE h histogram\nh_bucket{le="1"} 3\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n'), /bucket counts decrease/);
  assert.throws(() => parsePrometheus('# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\n'), /_sum or _count missing/);
  assert.throws(() => parsePrometheus('# TYPE x gauge\nx 1'), /end with a newline/);
  assert.throws(() => parsePrometheus('# TYPE x gauge\nx one\n'), /not a number/);
});

test('spawn reasons fold into a few labels; only finished exits count, by their reason', () => {
  assert.equal(spawnReason('initial'), 'initial');
  assert.equal(spawnReason('scale-up (spare2): 0 idle workers < 1'), 'scale-up');
  assert.equal(spawnReason('respawn after signal (killed by SIGKILL (signal 9))'), 'respawn');
  assert.equal(spawnReason('respawn after crash (exited with code 1), after a 200 ms backoff'), 'respawn');
  assert.equal(spawnReason('respawn after max-requests'), 'recycle');
  assert.equal(spawnReason('replacing worker 2 (served 4 requests (max-requests 4))'), 'recycle');
  assert.equal(spawnReason('respawn after reload'), 'reload');
  assert.equal(spawnReason('something new'), 'other');
  const base = { seq: 1, at: 0, reason: '' };
  assert.equal(exitReason({ ...base, type: 'exit', detail: { reason: 'signal', code: -1, signal: 'SIGKILL' } }), 'signal');
  assert.equal(exitReason({ ...base, type: 'exit', detail: { phase: 'start', reason: 'max-requests' } }), null);
  assert.equal(exitReason({ ...base, type: 'spawn' }), null);
});
