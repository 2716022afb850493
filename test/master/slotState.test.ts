import assert from 'node:assert/strict';
import { test } from 'node:test';
import { observe } from '../../server/master/scaler.js';
import { isBusy, isRunning, processOf, stoppingState, type LiveState, type Replacement } from '../../server/master/slot.js';
import { workerStatus } from '../../server/stats/document.js';
import { workerPhase } from '../../server/stats/metrics.js';
import { pool, states } from './slots.js';

test('each slot state as the stats, the metrics and the scaler see it', () => {
  const busy = { inRequest: true, request: { at: 1, method: 'GET', path: '/predict' } };
  const slots = pool(
    states.cheap(),
    states.down(),
    states.respawnWait(),
    states.pending(),
    states.loading(15),
    states.ready(16),
    states.ready(17, busy),
    states.stopping(18),
    states.stopping(19, { thenCheap: true }, busy),
  );
  const obs = observe(slots, 0, 10);
  const rows = slots.map((s, i) => {
    const w = obs.workers[i]!;
    return [s.state.phase, workerStatus(s, false), workerPhase(s), isRunning(s), isBusy(s), w.ready, w.cheaping, processOf(s)?.pid ?? 0].join(' ');
  });
  assert.deepEqual(rows, [
    // phase        stats  metrics   running busy  ready cheaping pid
    'cheap cheap cheap false false false false 0',
    'down idle loading false false false false 0',
    'respawn-wait idle loading false false false false 0',
    'pending idle loading true false false false 0',
    'loading idle loading true false false false 15',
    'ready idle idle true false true false 16',
    'ready busy busy true true true false 17',
    'stopping idle stopping true false false true 18',
    'stopping busy busy true true false true 19',
  ]);
  const paused = slots.map((s) => workerStatus(s, true));
  assert.deepEqual(paused, ['cheap', 'idle', 'idle', 'pause', 'pause', 'pause', 'pause', 'pause', 'pause'], 'paused: running slots read pause');
  assert.equal(obs.workers[6]!.busyMs, 9, 'the request in progress counts as busy time');
});

test('a process asked to leave keeps what its state knew: when it was ready, the worker it was to replace', () => {
  const r: Replacement = { id: 1, pid: 11, reason: 'rss', detail: 'rss 900 MB' };
  const stop = { reason: 'shutdown' as const, detail: 'SIGTERM', thenCheap: false };
  const loading = states.loading(21, { kind: 'recycle', replaces: r }) as LiveState;
  assert.deepEqual([stoppingState(loading, stop, null).readyAt, stoppingState(loading, stop, null).replaces], [null, r]);
  const ready = states.ready(22) as LiveState;
  assert.deepEqual([stoppingState(ready, stop, null).readyAt, stoppingState(ready, stop, null).replaces], [1, null]);
  const leaving = states.stopping(23, {}, {}, r) as LiveState;
  const again = stoppingState(leaving, stop, null);
  assert.deepEqual([again.stop, again.replaces, again.proc], [stop, r, leaving.proc]);
});
