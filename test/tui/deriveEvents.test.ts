import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UwsgiStats } from '../../core/stats/schema.js';
import { parseStats } from '../../core/stats/parseStats.js';
import { deriveEvents, type DerivedEvent } from '../../core/stats/deriveEvents.js';
import { fixture } from './helpers/statsServer.js';

const stats = (name: 'idle' | 'busy' | 'after-cheaping'): UwsgiStats => parseStats(fixture(name)).stats;
const NOW = 1795524300_000;

function byType(events: DerivedEvent[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const e of events) {
    out[e.type] ??= [];
    out[e.type]!.push(e.worker ?? 0);
  }
  for (const list of Object.values(out)) list.sort((a, b) => a - b);
  return out;
}

test('idle -> busy: slots 6-14 spawned, slots 1-3 respawned (new pids), and all of them ready', () => {
  const events = deriveEvents(stats('idle'), stats('busy'), NOW);
  assert.deepEqual(byType(events), {
    spawn: [1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14],
    ready: [1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14],
  });
  const respawn = events.find((e) => e.type === 'spawn' && e.worker === 1)!;
  assert.equal(respawn.reason, 'respawned: pid 7566 replaced by 8070');
  assert.equal(respawn.pid, 8070);
  const spawn = events.find((e) => e.type === 'spawn' && e.worker === 12)!;
  assert.equal(spawn.reason, 'spawned: slot was cheap, now busy');
  assert.equal(spawn.at, 1795524277_000, 'dated by last_spawn');
});

test('busy -> after-cheaping: slots 1-14 cheaped, 16-20 spawned, 15 lived between two polls', () => {
  const events = deriveEvents(stats('busy'), stats('after-cheaping'), NOW);
  const t = byType(events);
  assert.deepEqual(t['cheap-done'], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  assert.deepEqual(t.spawn, [15, 16, 17, 18, 19, 20]);
  assert.deepEqual(t.ready, [16, 17, 18, 19, 20]);
  assert.equal(t.exit, undefined);
  assert.equal(events.find((e) => e.type === 'cheap-done' && e.worker === 4)!.reason, 'cheaped: pid 7569 stopped by the scaler');
  assert.equal(events.find((e) => e.type === 'spawn' && e.worker === 15)!.reason, 'spawned between two polls');
});

test('events come out in time order', () => {
  const events = deriveEvents(stats('busy'), stats('after-cheaping'), NOW);
  const times = events.map((e) => e.at);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
  );
});

test('the same document twice: nothing happened', () => {
  assert.deepEqual(deriveEvents(stats('busy'), stats('busy'), NOW), []);
});

test('harakiri_count up is a harakiri; a dead worker not yet respawned is an exit', () => {
  const before = stats('busy');
  const after = structuredClone(before);
  after.workers[4]!.harakiri_count = 1;
  after.workers[4]!.pid = 9001;
  after.workers[4]!.last_spawn = 1795524290;
  after.workers[6]!.pid = 0;
  after.workers[6]!.status = 'idle';
  const events = deriveEvents(before, after, NOW);
  assert.deepEqual(byType(events), { harakiri: [5], spawn: [5], ready: [5], exit: [7] });
  assert.match(events.find((e) => e.type === 'harakiri')!.reason, /harakiri/);
  assert.equal(events.find((e) => e.type === 'exit')!.reason, 'exited: pid 7739 gone, not yet respawned');
});

test('accepting 0 -> 1 on the same pid is ready (the app finished loading)', () => {
  const before = stats('idle');
  before.workers[2]!.accepting = 0;
  const events = deriveEvents(before, stats('idle'), NOW);
  assert.deepEqual(events, [{ at: NOW, type: 'ready', worker: 3, pid: 7568, reason: 'accepting requests' }]);
});

test('another master pid: one reload event, no worker diff', () => {
  const next = { ...stats('busy'), pid: 12345 };
  assert.deepEqual(deriveEvents(stats('idle'), next, NOW), [{ at: NOW, type: 'reload', pid: 12345, reason: 'master restarted (pid 7563 -> 12345)' }]);
});
