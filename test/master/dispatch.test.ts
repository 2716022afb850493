import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseWorker } from '../../server/master/dispatch/choose.js';
import { REBALANCE_AFTER_MS, requestsWait } from '../../server/master/dispatch/dispatch.js';
import { applyReport } from '../../server/master/dispatch/reports.js';
import { emptySlot, type Slot } from '../../server/master/slot.js';
import { pool, proc, states } from './slots.js';

function withAvg(slots: Slot[], avgRtUs: number): Slot[] {
  for (const s of slots) s.counters.avgRtUs = avgRtUs;
  return slots;
}

test('who gets the next connection: an idle ready worker, fewest open connections, then the lowest slot', () => {
  const now = 10_000;
  const busy = { inRequest: true, request: { at: now, method: 'GET', path: '/predict' } };
  const rows: Array<[string, Slot[], number | null]> = [
    ['nobody ready', pool(states.cheap(), states.loading(12), states.pending(), states.stopping(14)), null],
    ['the lowest idle slot', pool(states.ready(11, busy), states.ready(12), states.ready(13)), 2],
    ['fewer kept-alive connections', pool(states.ready(11, { open: 3 }), states.ready(12, { open: 1 })), 2],
    ['a handed connection not yet acknowledged is work', pool(states.ready(11, { handed: 1 }), states.ready(12, busy)), null],
  ];
  for (const [what, slots, id] of rows) assert.equal(chooseWorker(slots, 1, now)?.id ?? null, id, what);
});

test('batching: a busy worker with short requests takes more, up to the batch size; a long request never gets company', () => {
  const now = 10_000;
  const short = withAvg(pool(states.ready(11, { inRequest: true, request: { at: now - 1, method: 'GET', path: '/predict' } })), 300);
  assert.equal(chooseWorker(short, 4, now)?.id, 1);
  assert.equal(chooseWorker(short, 1, now), null, 'without batching, busy is busy');
  const full = withAvg(pool(states.ready(11, { inRequest: true, handed: 3, acked: 0 })), 300);
  assert.equal(chooseWorker(full, 4, now), null, 'at the batch size');
  const long = withAvg(pool(states.ready(11, { inRequest: true, request: { at: now - 50, method: 'GET', path: '/predict' } })), 300);
  assert.equal(chooseWorker(long, 4, now), null, 'the request running now is long');
});

test('kept-alive connections are released only once a request has waited REBALANCE_AFTER_MS', () => {
  assert.equal(requestsWait(undefined, 5000), false, 'an empty queue');
  assert.equal(requestsWait(5000 - REBALANCE_AFTER_MS + 1, 5000), false);
  assert.equal(requestsWait(5000 - REBALANCE_AFTER_MS, 5000), true);
});

test("a worker's reports: its request now, then its tallies into the slot's counters, which survive the process", () => {
  const p = proc(11);
  const { counters } = emptySlot(1);
  applyReport(p, counters, { t: 'busy', at: 5, method: 'GET', path: '/predict', got: 1 });
  assert.deepEqual([p.inRequest, p.request], [true, { at: 5, method: 'GET', path: '/predict' }]);
  applyReport(p, counters, { t: 'next', at: 9, method: 'POST', path: '/predict' });
  assert.equal(p.request?.at, 9);
  const hist = counters.hist.map((_, i) => (i === 2 ? 2 : 0));
  applyReport(p, counters, { t: 'idle', got: 2, open: 1, n: 2, tx: 300, rtUs: 4000, avgRtUs: 1800, exc: 1, hist, batches: 1, batchedTexts: 2 });
  assert.deepEqual(
    { acked: p.acked, inRequest: p.inRequest, request: p.request, open: p.open, delta: p.deltaRequests },
    { acked: 2, inRequest: false, request: null, open: 1, delta: 2 },
  );
  assert.deepEqual(
    { ...counters, hist: counters.hist[2] },
    {
      requests: 2,
      exceptions: 1,
      harakiriCount: 0,
      tx: 300,
      runningTimeUs: 4000,
      avgRtUs: 1800,
      hist: 2,
      batches: 1,
      batchedTexts: 2,
      respawnCount: 0,
    },
  );
});
