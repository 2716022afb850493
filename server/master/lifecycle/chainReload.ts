/**
 * A chain reload (FIFO `c`, `tidepool ctl chain-reload`, systemd's ExecReload): one worker at a
 * time is asked to stop, and the next only once a new worker is ready in its slot. Pure: the
 * chain is plain data, and each step is decided from the slots as they are.
 *
 * The chain follows slots, not spawn reasons: a replacement that crashes before it is ready is
 * respawned (kind `respawn`), and the chain goes on when that one is ready.
 */
import type { SlotPhase } from '../slot.js';

export interface ChainReload {
  /** Slots still to reload, in order. */
  readonly todo: readonly number[];
  /** The slot whose old worker (this pid) was asked to stop: the chain waits for a new one there. */
  readonly current: { readonly slot: number; readonly pid: number } | null;
}

/** What the chain needs to know of a slot: its phase and its process, if any. */
export interface ChainSlot {
  phase: SlotPhase;
  pid: number | null;
}

export type ChainStep =
  /** Ask the worker in `slot` (pid) to stop for the reload; then wait. */
  { action: 'stop'; slot: number; chain: ChainReload } | { action: 'wait'; chain: ChainReload } | { action: 'done' };

export function startChain(slots: readonly ChainSlot[]): ChainReload {
  return { todo: slots.flatMap((s, i) => (s.phase === 'ready' ? [i + 1] : [])), current: null };
}

/**
 * The chain's next step. The slot being reloaded is done once a new worker is ready there, or
 * when it was left cheap (the scaler cheaped it meanwhile): no worker will come back to wait for.
 * Slots to reload that are not ready by their turn are skipped, as uWSGI does.
 */
export function stepChain(chain: ChainReload, slots: readonly ChainSlot[]): ChainStep {
  if (chain.current !== null) {
    const s = slots[chain.current.slot - 1];
    const replaced = s === undefined || s.phase === 'cheap' || (s.phase === 'ready' && s.pid !== chain.current.pid);
    if (!replaced) return { action: 'wait', chain };
  }
  for (let i = 0; i < chain.todo.length; i++) {
    const id = chain.todo[i]!;
    const s = slots[id - 1];
    if (s?.phase !== 'ready' || s.pid === null) continue;
    return { action: 'stop', slot: id, chain: { todo: chain.todo.slice(i + 1), current: { slot: id, pid: s.pid } } };
  }
  return { action: 'done' };
}
