import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderFamilies } from '../../server/stats/promText.js';
import { countEvent, emptyCounts, exitKind } from '../../server/stats/metrics.js';
import { SPAWN_KINDS, type PoolEvent } from '../../core/stats/schema.js';
import { parsePrometheus, sampleValue } from './promParse.js';

test('renders gauges, counters with escaped labels, and a pre-bucketed histogram the strict parser accepts', () => {
  const text = renderFamilies([
    { name: 'a_gauge', help: 'A gauge\nwith a back\\slash.', type: 'gauge', samples: [{ value: 1.5 }] },
    {
      name: 'b_total',
      help: 'B.',
      type: 'counter',
      samples: [
        { labels: { reason: 'say "hi"\\\n' }, value: 3 },
        { labels: { reason: 'x' }, value: 0 },
      ],
    },
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
  assert.throws(
    () => renderFamilies([{ name: 'h', help: 'H.', type: 'histogram', bounds: [1, 2], counts: [1, 2], sum: 0 }]),
    /histogram h: expected 3 bucket counts for 2 bounds, got 2/,
  );
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

test('spawns and finished exits are counted by their kind, never by their words', () => {
  const counts = emptyCounts();
  const base = { seq: 1, at: 0 };
  const events: PoolEvent[] = [
    // Words that say something else than the kind: the kind counts.
    { ...base, type: 'spawn', kind: 'respawn', reason: 'respawn after reload' },
    { ...base, type: 'spawn', kind: 'reload', reason: 'respawn after reload' },
    { ...base, type: 'spawn', kind: 'recycle', reason: 'replacing worker 2 (served 4 requests (max-requests 4))' },
    { ...base, type: 'spawn', kind: 'manual', reason: 'scale-up (manual): manual: + on the master FIFO' },
    // An event of a server older than kinds is not guessed at.
    { ...base, type: 'spawn', reason: 'initial' },
    { ...base, type: 'exit', kind: 'signal', reason: 'signal: killed by SIGKILL', detail: { reason: 'signal', code: -1, signal: 'SIGKILL' } },
    // A recycle starting is not an exit yet.
    { ...base, type: 'exit', kind: 'max-requests', reason: 'recycling: served 4 requests', detail: { phase: 'start', reason: 'max-requests' } },
    { ...base, type: 'ready', reason: 'model loaded' },
  ];
  for (const e of events) countEvent(counts, e);
  assert.deepEqual(Object.fromEntries(counts.spawns), { initial: 0, 'scale-up': 0, manual: 1, respawn: 1, recycle: 1, reload: 1 });
  assert.deepEqual(
    [...counts.exits].filter(([, n]) => n > 0),
    [['signal', 1]],
  );
  assert.deepEqual([...counts.spawns.keys()], [...SPAWN_KINDS], "one label per kind, in the schema's order");
  assert.equal(exitKind(events[6]!), null);
  assert.equal(exitKind(events[5]!), 'signal');
});
