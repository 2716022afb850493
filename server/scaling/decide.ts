import { runAlgorithm, type AlgoState } from './algorithms.js';
import { activeRss, countPool, plural, type PoolCounts } from './poolCounts.js';
import { chooseCheapVictim } from './slots.js';
import type { AlgoDecision, CheaperAlgo, Observation, ScalingDecision, ScalingParams } from './types.js';
import { ScalingInputError, validateObservation, validateParams } from './validate.js';

export { chooseSpawnSlots } from './slots.js';

/** A byte of the master FIFO that changes the pool: `+` spawn one, `-` cheap one. */
export type ManualCommand = '+' | '-';

export interface DecideResult {
  state: AlgoState;
  decision: ScalingDecision;
  /**
   * True when a manual `-` found no idle worker: pass it again next check, as every cheap is
   * retried (spec 3). Any other manual request is used up by this check, applied or refused.
   */
  manualPending: boolean;
  /** The decision carries out the manual request (a spawn or cheap asked on the master FIFO). */
  manual: boolean;
}

/**
 * Spec 3 "Driver, once per check": memory guard, then a manual request, then the algorithm; then
 * the clamps every decision obeys (free slots, the `cheaper` floor, never the last worker, never a
 * busy one). The algorithm runs every check even when its decision is overridden, so its windows
 * and timers follow the real clock; it gets back the state for "not applied" when that happens.
 */
export function decide(algo: CheaperAlgo, state: AlgoState, obs: Observation, params: ScalingParams, manual?: ManualCommand): DecideResult {
  validateParams(params, algo);
  validateObservation(obs);
  if (state.algo !== algo) {
    throw new ScalingInputError(`Expected the state of cheaper-algo ${algo}, got the state of ${state.algo}: start from initialState('${algo}')`);
  }
  if (manual !== undefined && manual !== '+' && manual !== '-') {
    throw new ScalingInputError(`Expected a manual request of '+' or '-', got ${JSON.stringify(manual)}`);
  }
  const step = runAlgorithm(state, obs, params);
  const pool = countPool(obs);
  const rss = activeRss(obs);
  const skipped = (reason: string, manualPending = false): DecideResult => ({
    state: step.unapplied,
    decision: { action: 'hold', reason },
    manualPending,
    manual: false,
  });

  if (params.rssLimitHard > 0 && rss >= params.rssLimitHard) {
    const why = `memory: workers use ${mib(rss)} >= cheaper-rss-limit-hard ${mib(params.rssLimitHard)}`;
    // Memory outranks the `cheaper` floor, as in uWSGI: running out of it loses requests, fewer workers only slows them.
    const cheap = cheapOne(obs, pool, 1, why);
    return cheap.action === 'cheap' ? { state: step.unapplied, decision: cheap, manualPending: false, manual: false } : skipped(cheap.reason);
  }

  const wanted: AlgoDecision =
    manual === '+'
      ? { action: 'spawn', count: 1, reason: 'manual: + on the master FIFO' }
      : manual === '-'
        ? { action: 'cheap', reason: 'manual: - on the master FIFO' }
        : step.decision;
  const applied = (decision: ScalingDecision): DecideResult => ({
    state: manual === undefined ? step.state : step.unapplied,
    decision,
    manualPending: false,
    manual: manual !== undefined,
  });

  switch (wanted.action) {
    case 'hold':
      return applied(wanted);
    case 'spawn': {
      if (params.rssLimitSoft > 0 && rss >= params.rssLimitSoft) {
        return skipped(`${wanted.reason}; not spawning: workers use ${mib(rss)} >= cheaper-rss-limit-soft ${mib(params.rssLimitSoft)}`);
      }
      const count = Math.min(wanted.count, pool.free);
      if (count === 0) return skipped(`${wanted.reason}; no free slot: all ${obs.max} run`);
      return applied({ action: 'spawn', count, reason: wanted.reason });
    }
    case 'cheap': {
      const cheap = cheapOne(obs, pool, Math.max(params.cheaper, 1), wanted.reason);
      if (cheap.action === 'cheap') return applied(cheap);
      return skipped(cheap.reason, manual === '-' && cheap.retry);
    }
  }
}

type CheapOutcome = Extract<ScalingDecision, { action: 'cheap' }> | { action: 'hold'; reason: string; retry: boolean };

function cheapOne(obs: Observation, pool: PoolCounts, floor: number, reason: string): CheapOutcome {
  if (pool.running <= floor) {
    const limit = floor === 1 ? 'never the last worker' : `never below cheaper = ${floor}`;
    return { action: 'hold', reason: `${reason}; ${plural(pool.running, 'worker')} running: ${limit}`, retry: false };
  }
  const victim = chooseCheapVictim(obs);
  if (!victim) return { action: 'hold', reason: `${reason}; no idle worker to cheap; retry next check`, retry: true };
  return { action: 'cheap', workerId: victim.id, reason };
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
