import type { PoolEvent, UwsgiStats, UwsgiWorker } from './schema.js';
import { isRunning } from './counts.js';

/** An event read off two documents rather than told by the server: it has no server seq. */
export type DerivedEvent = Omit<PoolEvent, 'seq'>;

/**
 * The pool events that explain how `prev` became `next`, for servers that do not report their
 * own (real uWSGI). Slots are matched by position: uWSGI reports id 0 for never-spawned slots.
 * `atMs` is when `next` was read; spawns carry their real time from `last_spawn`.
 */
export function deriveEvents(prev: UwsgiStats, next: UwsgiStats, atMs: number): DerivedEvent[] {
  if (prev.pid !== next.pid) {
    return [{ at: atMs, type: 'reload', pid: next.pid, reason: `master restarted (pid ${prev.pid} -> ${next.pid})` }];
  }
  const events: DerivedEvent[] = [];
  next.workers.forEach((after, i) => {
    const before = prev.workers[i];
    if (before !== undefined) events.push(...slotEvents(i + 1, before, after, atMs));
  });
  // Spawns are dated by last_spawn, the rest by the read: keep the log in time order.
  return events.sort((a, b) => a.at - b.at);
}

function slotEvents(slot: number, before: UwsgiWorker, after: UwsgiWorker, atMs: number): DerivedEvent[] {
  const events: DerivedEvent[] = [];
  const wasRunning = isRunning(before);
  const running = isRunning(after);
  const spawnedAt = after.last_spawn > 0 ? Math.min(atMs, after.last_spawn * 1000) : atMs;
  const harakiris = after.harakiri_count - before.harakiri_count;

  if (harakiris > 0) {
    events.push({
      at: atMs,
      type: 'harakiri',
      worker: slot,
      pid: before.pid || undefined,
      reason: harakiris === 1 ? 'harakiri: a request ran too long, worker killed' : `${harakiris} harakiri kills: requests ran too long`,
    });
  }
  if (wasRunning && running && before.pid !== after.pid) {
    events.push({
      at: spawnedAt,
      type: 'spawn',
      worker: slot,
      pid: after.pid,
      reason: `respawned: pid ${before.pid} replaced by ${after.pid}`,
      detail: { previous_pid: before.pid },
    });
  } else if (wasRunning && !running) {
    events.push(
      after.status === 'cheap'
        ? { at: atMs, type: 'cheap-done', worker: slot, pid: before.pid, reason: `cheaped: pid ${before.pid} stopped by the scaler` }
        : { at: atMs, type: 'exit', worker: slot, pid: before.pid, reason: `exited: pid ${before.pid} gone, not yet respawned` },
    );
  } else if (!wasRunning && running) {
    events.push({
      at: spawnedAt,
      type: 'spawn',
      worker: slot,
      pid: after.pid,
      reason: before.status === 'cheap' ? `spawned: slot was cheap, now ${after.status}` : 'spawned',
    });
  } else if (!wasRunning && !running && after.respawn_count > before.respawn_count) {
    // Both samples show the slot cheap, yet it was spawned: it lived between two polls.
    events.push(
      { at: spawnedAt, type: 'spawn', worker: slot, reason: 'spawned between two polls' },
      { at: atMs, type: 'cheap-done', worker: slot, reason: 'cheaped again before the next poll' },
    );
  }
  const newProcess = !wasRunning || before.pid !== after.pid;
  if (running && after.accepting && (newProcess || !before.accepting)) {
    events.push({ at: atMs, type: 'ready', worker: slot, pid: after.pid, reason: 'accepting requests' });
  }
  return events;
}
