/**
 * Recycling with the replacement started first: when the pool has a free slot, the worker to be
 * recycled keeps serving while its replacement loads there, and leaves once that one is ready.
 */
import { isReady, type ReadySlot, type Replacement, type Slot } from '../slot.js';

/**
 * Where a recycling worker's replacement can start while it still serves: the lowest slot that
 * is empty on purpose (cheap), not one waiting for a respawn. None when the pool is at its maximum.
 */
export function freeSlot(slots: readonly Slot[]): Slot | undefined {
  return slots.find((s) => s.state.phase === 'cheap');
}

/** The worker this slot's spawn or process was to replace, until it became ready. */
export function replacing(s: Slot): Replacement | null {
  const st = s.state;
  if (st.phase === 'pending' || st.phase === 'loading') return st.order.replaces;
  return st.phase === 'stopping' ? st.replaces : null;
}

export function isBeingReplaced(slots: readonly Slot[], id: number): boolean {
  return slots.some((s) => replacing(s)?.id === id);
}

/** The worker a replacement was for, if it still serves (its slot has not moved on). */
export function stillServing(slots: readonly Slot[], r: Replacement): ReadySlot | null {
  const old = slots[r.id - 1];
  return old !== undefined && isReady(old) && old.state.proc.pid === r.pid ? old : null;
}
