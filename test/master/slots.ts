/** Slots in a given state, as plain data, for the master's pure decisions (no process behind them). */
import type { ChildProcess } from 'node:child_process';
import {
  emptySlot,
  newProcess,
  type Replacement,
  type Slot,
  type SlotState,
  type SpawnOrder,
  type StopOrder,
  type WorkerProcess,
} from '../../server/master/slot.js';

export function proc(pid: number, over: Partial<WorkerProcess> = {}): WorkerProcess {
  return { ...newProcess({ pid } as ChildProcess, 0), ...over };
}

export function order(over: Partial<SpawnOrder> = {}): SpawnOrder {
  return { kind: 'initial', reason: 'initial', replaces: null, backoffMs: null, ...over };
}

export const states = {
  cheap: (): SlotState => ({ phase: 'cheap' }),
  down: (): SlotState => ({ phase: 'down' }),
  respawnWait: (): SlotState => ({ phase: 'respawn-wait', order: order({ kind: 'respawn' }), timer: setTimeout(() => {}, 0) }),
  pending: (o: Partial<SpawnOrder> = {}): SlotState => ({ phase: 'pending', order: order(o) }),
  loading: (pid: number, o: Partial<SpawnOrder> = {}, p: Partial<WorkerProcess> = {}): SlotState => ({ phase: 'loading', proc: proc(pid, p), order: order(o) }),
  ready: (pid: number, p: Partial<WorkerProcess> = {}): SlotState => ({ phase: 'ready', proc: proc(pid, p), readyAt: 1 }),
  stopping: (pid: number, stop: Partial<StopOrder> = {}, p: Partial<WorkerProcess> = {}, replaces: Replacement | null = null): SlotState => ({
    phase: 'stopping',
    proc: proc(pid, p),
    stop: { reason: 'reload', detail: 'test', thenCheap: false, ...stop },
    readyAt: 1,
    replaces,
    killTimer: null,
  }),
};

/** Slots 1..n in these states. */
export function pool(...st: SlotState[]): Slot[] {
  return st.map((state, i) => ({ ...emptySlot(i + 1), state }));
}
