import type { AlgoStep } from './types.js';

/** Nothing to do: the state moves on, and there is nothing the driver could fail to apply. */
export function hold<S>(state: S, reason: string): AlgoStep<S> {
  return { state, unapplied: state, decision: { action: 'hold', reason } };
}

export function spawnStep<S>(state: S, unapplied: S, count: number, reason: string): AlgoStep<S> {
  return { state, unapplied, decision: { action: 'spawn', count, reason } };
}

export function cheapStep<S>(state: S, unapplied: S, reason: string): AlgoStep<S> {
  return { state, unapplied, decision: { action: 'cheap', reason } };
}
