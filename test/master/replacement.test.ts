import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freeSlot, isBeingReplaced, replacing, stillServing } from '../../server/master/lifecycle/replacement.js';
import type { Replacement } from '../../server/master/slot.js';
import { pool, states } from './slots.js';

const r: Replacement = { id: 1, pid: 11, reason: 'max-requests', detail: 'served 4 requests' };

test('which slot is free for a replacement: the lowest cheap one, never one about to respawn or shut down', () => {
  assert.equal(freeSlot(pool(states.ready(11), states.respawnWait(), states.down(), states.cheap(), states.cheap()))?.id, 4);
  assert.equal(freeSlot(pool(states.ready(11), states.pending(), states.respawnWait())), undefined, 'the pool is at its maximum');
});

test('a worker is being replaced while its replacement waits its turn, loads, or was stopped loading', () => {
  for (const [what, st] of [
    ['pending', states.pending({ kind: 'recycle', replaces: r })],
    ['loading', states.loading(21, { kind: 'recycle', replaces: r })],
    ['stopping', states.stopping(21, {}, {}, r)],
  ] as const) {
    const slots = pool(states.ready(11), st);
    assert.equal(isBeingReplaced(slots, 1), true, what);
    assert.deepEqual(replacing(slots[1]!), r, what);
    assert.equal(isBeingReplaced(slots, 2), false, what);
  }
  assert.equal(isBeingReplaced(pool(states.ready(11), states.ready(21)), 1), false, 'a ready replacement has kept its promise');
});

test('the replaced worker still serves only if its slot holds the same, ready process', () => {
  assert.equal(stillServing(pool(states.ready(11)), r)?.id, 1);
  assert.equal(stillServing(pool(states.ready(12)), r), null, 'the slot moved on to another process');
  assert.equal(stillServing(pool(states.stopping(11)), r), null, 'already leaving');
  assert.equal(stillServing(pool(states.cheap()), r), null);
});
