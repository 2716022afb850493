import { cheapStep, hold, spawnStep } from './algoStep.js';
import { countPool, plural, unclaimedQueue } from './poolCounts.js';
import type { AlgoStep, Observation, ScalingParams } from './types.js';

/**
 * backlog: spawn when requests wait, cheap when none do. uWSGI reads the kernel accept queue, which
 * is 0 behind a UNIX socket; tidepool's master owns the queue, so `obs.queue` is exact everywhere.
 */
export interface BacklogState {
  readonly algo: 'backlog';
}

export const backlogInitial: BacklogState = { algo: 'backlog' };

export function backlog(state: BacklogState, obs: Observation, params: ScalingParams): AlgoStep<BacklogState> {
  const pool = countPool(obs);
  // uWSGI compares the raw queue, so while its spawns load it spawns `step` more every check. Each
  // loading worker will take one waiting request when ready, so only the rest is unmet demand.
  const waiting = unclaimedQueue(obs, pool);
  if (waiting > params.overload) {
    // cheaper-step 0 (tidepool): the queue is exact, so spawn for every waiting request at once
    // instead of `step` per check: a burst is absorbed after one check and one model load.
    const count = Math.min(params.step === 0 ? waiting : params.step, pool.free);
    const why = `backlog: ${plural(waiting, 'request')} waiting${pool.loading ? ` beyond ${pool.loading} loading` : ''} > ${params.overload}`;
    if (count === 0) return hold(state, `${why}, but all ${obs.max} slots run`);
    return spawnStep(state, state, count, why);
  }
  if (obs.queue < params.overload && pool.running > params.cheaper) {
    return cheapStep(state, state, `backlog: ${plural(obs.queue, 'request')} waiting < ${params.overload}, ${pool.running} running > ${params.cheaper}`);
  }
  return hold(state, `backlog: ${plural(obs.queue, 'request')} waiting`);
}
