import { isAvailable, isReady, load, type ReadySlot, type Slot } from '../slot.js';

/**
 * The worker that gets the next waiting connection: an available one with the least work
 * (only idle ones qualify unless workers batch, see isAvailable), then the fewest open
 * (kept-alive) connections, so that a new client does not land beside another's requests;
 * ties go to the lowest slot, which leaves high slots idle for the scaler to cheap.
 */
export function chooseWorker(slots: readonly Slot[], capacity = 1, now = Date.now()): ReadySlot | null {
  let best: ReadySlot | null = null;
  for (const s of slots) {
    if (!isReady(s) || !isAvailable(s, capacity, now)) continue;
    const p = s.state.proc;
    const b = best?.state.proc;
    if (b === undefined || load(p) < load(b) || (load(p) === load(b) && p.open < b.open)) best = s;
  }
  return best;
}
