import { isIdle } from './poolCounts.js';
import type { Observation, WorkerObservation } from './types.js';

/** The lowest free slot ids (no process in them), at most `count`: where uWSGI spawns too. */
export function chooseSpawnSlots(obs: Observation, count: number): number[] {
  return obs.workers
    .filter((w) => !w.running)
    .map((w) => w.id)
    .sort((a, b) => a - b)
    .slice(0, Math.max(0, count));
}

/**
 * The worker to cheap: idle, ready, not already on its way out, the oldest spawn (ties: lowest id).
 * Never a busy one: uWSGI's most-reported scaling bug was cheaping a busy worker (nginx 502).
 * Oldest first spreads recycling over the pool, as uWSGI does. Undefined when no worker qualifies.
 */
export function chooseCheapVictim(obs: Observation): WorkerObservation | undefined {
  let best: WorkerObservation | undefined;
  for (const w of obs.workers) {
    if (!isIdle(w)) continue;
    if (!best || w.lastSpawn < best.lastSpawn || (w.lastSpawn === best.lastSpawn && w.id < best.id)) best = w;
  }
  return best;
}
