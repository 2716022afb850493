import { isAvailable, load, type Slot } from './slot.js';

/**
 * The worker that gets the next waiting connection: an available one with the least work
 * (only idle ones qualify unless workers batch, see isAvailable), then the fewest open
 * (kept-alive) connections, so that a new client does not land beside another's requests;
 * ties go to the lowest slot, which leaves high slots idle for the scaler to cheap.
 */
export function chooseWorker(slots: readonly Slot[], capacity = 1, now = Date.now()): Slot | null {
  let best: Slot | null = null;
  for (const s of slots) {
    if (!isAvailable(s, capacity, now)) continue;
    if (best === null || load(s) < load(best) || (load(s) === load(best) && s.open < best.open)) best = s;
  }
  return best;
}
