import { isAvailable, isBusy, isReady, load, type ReadySlot, type Slot, type WorkerProcess } from '../slot.js';

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

/** accept = workers: some ready worker runs nothing and holds nothing, so a worker without room passes new connections on. Pure. */
export function someIdle(slots: readonly Slot[]): boolean {
  return slots.some((s) => isReady(s) && !isBusy(s) && s.state.proc.waiting === 0);
}

/**
 * accept = workers: the kernel gives a burst of new connections to whichever worker polls first,
 * and kept-alive connections stay where they landed. While a ready worker is idle, each busy
 * worker holding more than its share (the open connections over the ready workers, rounded up)
 * is asked to close the excess after their next responses. Pure.
 */
export function shedOrders(slots: readonly Slot[]): Array<{ proc: WorkerProcess; count: number }> {
  if (!someIdle(slots)) return [];
  const ready = slots.filter(isReady);
  const share = Math.ceil(ready.reduce((n, s) => n + s.state.proc.open, 0) / ready.length);
  return ready.flatMap((s) => {
    const p = s.state.proc;
    return isBusy(s) && p.open > share + 1 ? [{ proc: p, count: p.open - share }] : [];
  });
}
