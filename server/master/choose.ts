import { isAvailable, type Slot } from './slot.js';

/**
 * The worker that gets the next waiting connection: an available one with the fewest open
 * (kept-alive) connections, so that a new client does not land beside another's requests;
 * ties go to the lowest slot, which leaves high slots idle for the scaler to cheap.
 */
export function chooseWorker(slots: readonly Slot[]): Slot | null {
  let best: Slot | null = null;
  for (const s of slots) {
    if (!isAvailable(s)) continue;
    if (best === null || s.open < best.open) best = s;
  }
  return best;
}
