import { cheapStep, hold, spawnStep } from './algoStep.js';
import { countPool, plural } from './poolCounts.js';
import type { AlgoStep, Observation, ScalingParams } from './types.js';

/** spare2 (uWSGI 2.1): keep `cheaper` idle workers ready; cheap a surplus after `cheaper-idle` checks. */
export interface Spare2State {
  readonly algo: 'spare2';
  readonly idleChecks: number; // consecutive checks with more than `cheaper` idle workers
}

export const spare2Initial: Spare2State = { algo: 'spare2', idleChecks: 0 };

export function spare2(state: Spare2State, obs: Observation, params: ScalingParams): AlgoStep<Spare2State> {
  const pool = countPool(obs);
  const target = params.cheaper;
  const reset: Spare2State = { algo: 'spare2', idleChecks: 0 };
  // A loading worker is idle within one model load: counting it on the spawn side keeps spare2 from
  // spawning again for the same gap every check while the model loads. It is not idle yet, so it
  // never counts toward a surplus.
  const soon = pool.idle + pool.loading;
  if (soon < target) {
    const count = Math.min(target - soon, pool.free, params.step);
    const why = `spare2: ${plural(pool.idle, 'idle worker')}${pool.loading ? ` and ${pool.loading} loading` : ''}, want ${target}`;
    if (count === 0) return hold(reset, `${why}, but all ${obs.max} slots run`);
    return spawnStep(reset, reset, count, why);
  }
  if (pool.idle > target) {
    const idleChecks = state.idleChecks + 1;
    const why = `spare2: ${plural(pool.idle, 'idle worker')} > ${target} for ${plural(idleChecks, 'check')}`;
    if (idleChecks >= params.idle) {
      // Not cheaped (no idle victim): keep the count at the threshold, so the next check retries.
      return cheapStep(reset, { algo: 'spare2', idleChecks }, why);
    }
    return hold({ algo: 'spare2', idleChecks }, why);
  }
  const why =
    pool.idle === target
      ? `spare2: ${plural(pool.idle, 'idle worker')}, as wanted`
      : `spare2: ${plural(pool.idle, 'idle worker')}, waiting for ${pool.loading} loading`;
  return hold(reset, why);
}
