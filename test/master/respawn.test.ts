import assert from 'node:assert/strict';
import { test } from 'node:test';
import { afterExit, exitIsTrouble, FAST_DEATH_MS, fastDeathsAfter, respawnDelayMs, type ExitFacts } from '../../server/master/lifecycle/respawn.js';
import type { StopOrder } from '../../server/master/slot.js';

const reload: StopOrder = { reason: 'reload', detail: 'chain reload', thenCheap: false };
const cheaped: StopOrder = { reason: 'cheaped', detail: 'scale-down', thenCheap: true };

test('fast deaths: a crash young or before ready counts one more; a ready worker asked to leave resets the run', () => {
  const rows: Array<[string, number, Parameters<typeof fastDeathsAfter>[1], number]> = [
    ['crash before ready', 2, { asked: null, wasReady: false, lifetimeMs: 60_000 }, 3],
    ['crash soon after ready', 0, { asked: null, wasReady: true, lifetimeMs: FAST_DEATH_MS - 1 }, 1],
    ['crash after a while', 4, { asked: null, wasReady: true, lifetimeMs: FAST_DEATH_MS }, 0],
    ['asked to leave after ready', 3, { asked: reload, wasReady: true, lifetimeMs: 10 }, 0],
    ['asked to leave while loading', 3, { asked: reload, wasReady: false, lifetimeMs: 10 }, 3],
  ];
  for (const [what, before, exit, after] of rows) assert.equal(fastDeathsAfter(before, exit), after, what);
});

test('respawn delay after N fast deaths: none for the first, then 100 ms doubling, capped at max(10 s, forkbomb-delay)', () => {
  const delays = [0, 1, 2, 3, 4, 5, 8, 9, 20].map((n) => respawnDelayMs(n, 0));
  assert.deepEqual(delays, [0, 0, 100, 200, 400, 800, 6400, 10000, 10000]);
  assert.equal(respawnDelayMs(20, 30), 30000, 'forkbomb-delay raises the cap');
  assert.equal(respawnDelayMs(3, 30), 200, 'not the delay itself');
});

const crash: ExitFacts = { asked: null, reason: 'crash', words: 'exited with code 1', wasReady: false, lifetimeMs: 50, failedReplacement: false };
const pool = { shuttingDown: false, fastDeaths: 0, forkbombDelayS: 0 };

test('after an exit: the spawn kind comes from the exit reason, never from words', () => {
  const rows: Array<[Partial<ExitFacts>, string, string]> = [
    [{}, 'respawn', 'respawn after crash (exited with code 1)'],
    [{ reason: 'signal', words: 'killed by SIGKILL (signal 9)' }, 'respawn', 'respawn after signal (killed by SIGKILL (signal 9))'],
    [{ asked: { reason: 'harakiri', detail: 'GET /predict', thenCheap: false }, reason: 'harakiri', wasReady: true }, 'respawn', 'respawn after harakiri'],
    [{ asked: { reason: 'max-requests', detail: 'served 4', thenCheap: false }, reason: 'max-requests' }, 'recycle', 'respawn after max-requests'],
    [{ asked: { reason: 'max-lifetime', detail: 'lived 60 s', thenCheap: false }, reason: 'max-lifetime' }, 'recycle', 'respawn after max-lifetime'],
    [{ asked: { reason: 'rss', detail: 'rss 900 MB', thenCheap: false }, reason: 'rss', wasReady: true }, 'recycle', 'respawn after rss'],
    [{ asked: reload, reason: 'reload', wasReady: true }, 'reload', 'respawn after reload'],
  ];
  for (const [facts, kind, reason] of rows) {
    const a = afterExit({ ...crash, ...facts }, pool);
    assert.equal(a.next, 'respawn');
    assert.deepEqual(a.next === 'respawn' && [a.kind, a.reason], [kind, reason]);
  }
});

test('after an exit: cheaped and replaced slots stay cheap, shutdown leaves them down, young crashes back off', () => {
  assert.deepEqual(afterExit({ ...crash, asked: cheaped, reason: 'cheaped', wasReady: true }, pool), { next: 'cheap' });
  assert.deepEqual(afterExit({ ...crash, failedReplacement: true }, pool), { next: 'cheap' }, 'a replacement that never got ready');
  assert.deepEqual(afterExit(crash, { ...pool, shuttingDown: true }), { next: 'down' });
  assert.deepEqual(afterExit({ ...crash, asked: { reason: 'shutdown', detail: 'SIGTERM', thenCheap: false }, reason: 'shutdown' }, pool), { next: 'down' });
  const atShutdown = afterExit({ ...crash, asked: cheaped, reason: 'cheaped' }, { ...pool, shuttingDown: true });
  assert.deepEqual(atShutdown, { next: 'cheap' }, 'a cheaped slot stays cheap at shutdown too');
  const third = afterExit(crash, { ...pool, fastDeaths: 2 });
  assert.deepEqual(third.next === 'respawn' && [third.fastDeaths, third.delayMs], [3, 200]);
});

test('an exit is trouble when nobody asked for it or the process did not leave cleanly', () => {
  assert.equal(exitIsTrouble(null, 0, null), true, 'a worker leaving by itself, unasked');
  assert.equal(exitIsTrouble('reload', 0, null), false);
  assert.equal(exitIsTrouble('reload', null, 'SIGKILL'), true, 'killed after reload-mercy');
  assert.equal(exitIsTrouble('shutdown', 134, null), true);
});
