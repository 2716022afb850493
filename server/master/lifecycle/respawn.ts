/**
 * What happens to a slot after its worker exited: pure, from the facts of the exit. A crash
 * soon after a spawn grows the respawn delay, so a worker that dies in a loop does not become a
 * fork bomb; a worker that lived a while is respawned at once.
 */
import type { ExitReason, SpawnKind } from '../../../core/stats/schema.js';
import type { StopOrder, StopReason } from '../slot.js';

/** A worker that dies within this time of its spawn (or before it was ready) died young. */
export const FAST_DEATH_MS = 2000;

export interface ExitFacts {
  /** Why it was asked to stop; null for a crash or a signal nobody sent on purpose. */
  asked: StopOrder | null;
  reason: ExitReason;
  /** The outcome in words ("killed by SIGKILL (signal 9)"). */
  words: string;
  /** It had become ready before it exited. */
  wasReady: boolean;
  lifetimeMs: number;
  /** It was a replacement that never became ready: its slot goes back to cheap. */
  failedReplacement: boolean;
}

export type Aftermath = { next: 'cheap' } | { next: 'down' } | { next: 'respawn'; kind: SpawnKind; reason: string; delayMs: number; fastDeaths: number };

/** The spawn kind of a respawn after an exit for `reason`: recycling and reloads say so. */
const RESPAWN_KIND: Record<Exclude<ExitReason, 'cheaped' | 'shutdown'>, SpawnKind> = {
  crash: 'respawn',
  signal: 'respawn',
  harakiri: 'respawn',
  'max-requests': 'recycle',
  'max-lifetime': 'recycle',
  rss: 'recycle',
  reload: 'reload',
};

/** Consecutive fast deaths after this exit: asked-for exits do not count, a ready worker's resets the run. */
export function fastDeathsAfter(previous: number, exit: Pick<ExitFacts, 'asked' | 'wasReady' | 'lifetimeMs'>): number {
  if (!exit.asked && (!exit.wasReady || exit.lifetimeMs < FAST_DEATH_MS)) return previous + 1;
  if (!exit.asked || exit.wasReady) return 0;
  return previous;
}

/** No delay for the first fast death, then 100 ms doubling, up to max(10 s, forkbomb-delay). */
export function respawnDelayMs(fastDeaths: number, forkbombDelayS: number): number {
  if (fastDeaths <= 1) return 0;
  return Math.min(100 * 2 ** (fastDeaths - 2), Math.max(10000, forkbombDelayS * 1000));
}

export function afterExit(exit: ExitFacts, pool: { shuttingDown: boolean; fastDeaths: number; forkbombDelayS: number }): Aftermath {
  const stayCheap = exit.failedReplacement || (exit.asked?.thenCheap ?? false);
  if (stayCheap) return { next: 'cheap' };
  if (pool.shuttingDown || exit.reason === 'cheaped' || exit.reason === 'shutdown') return { next: 'down' };
  const fastDeaths = fastDeathsAfter(pool.fastDeaths, exit);
  const reason = exit.asked ? `respawn after ${exit.reason}` : `respawn after ${exit.reason} (${exit.words})`;
  return { next: 'respawn', kind: RESPAWN_KIND[exit.reason], reason, delayMs: respawnDelayMs(fastDeaths, pool.forkbombDelayS), fastDeaths };
}

/** The exit is news to worry about: nobody asked for it, or the process did not leave cleanly. */
export function exitIsTrouble(asked: StopReason | null, code: number | null, signal: NodeJS.Signals | null): boolean {
  return asked === null || signal !== null || code !== 0;
}
