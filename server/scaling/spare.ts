import { cheapStep, hold, spawnStep } from './algoStep.js';
import { countPool, plural } from './poolCounts.js';
import type { AlgoStep, Observation, ScalingParams } from './types.js';

/** spare (uWSGI's default): spawn when every worker stays busy, cheap slowly when some idle. */
export interface SpareState {
  readonly algo: 'spare';
  readonly overload: number; // checks with every running worker busy, minus checks with one free
  readonly idleChecks: number; // checks since the last overload with more than one idle worker
}

export const spareInitial: SpareState = { algo: 'spare', overload: 0, idleChecks: 0 };

export function spare(state: SpareState, obs: Observation, params: ScalingParams): AlgoStep<SpareState> {
  const pool = countPool(obs);
  // uWSGI counts a loading worker as idle, so one spawn calms the overload count; counting it as
  // busy would spawn again every check while the model loads (the overshoot). Neither is true: it
  // is capacity that was just ordered. So spare judges nothing until it is ready: no counting
  // toward a spawn, none toward a cheap (cheaping a ready worker while its replacement loads is waste).
  if (pool.loading > 0) {
    return hold(state, `spare: waiting for ${plural(pool.loading, 'loading worker')} before judging the load`);
  }
  let { overload, idleChecks } = state;
  // With no worker running at all, "every running worker is busy" holds, as in uWSGI: nobody serves, so spawn.
  if (pool.idle === 0) {
    overload += 1;
    idleChecks = 0;
  } else if (overload > 0) {
    overload -= 1;
  }
  // uWSGI 2.1 fires on `>=`; 2.0 fires one check later, on `>`.
  if (overload >= params.overload) {
    const next: SpareState = { algo: 'spare', overload: 0, idleChecks };
    const count = Math.min(params.step, pool.free);
    const why = `spare: all ${plural(pool.running, 'worker')} busy for ${plural(overload, 'check')}`;
    if (count === 0) return hold(next, `${why}, but all ${obs.max} slots run`);
    // Not spawned (memory limit): keep the count, so spare spawns as soon as it may, as uWSGI does.
    return spawnStep(next, { algo: 'spare', overload, idleChecks }, count, why);
  }
  if (overload > 0) {
    return hold({ algo: 'spare', overload, idleChecks }, `spare: overloaded ${overload}/${params.overload} checks`);
  }
  if (pool.idle === 1) {
    return hold({ algo: 'spare', overload, idleChecks }, 'spare: stable, exactly one idle worker');
  }
  idleChecks += 1;
  const next: SpareState = { algo: 'spare', overload, idleChecks };
  if (pool.running > params.cheaper && idleChecks % params.overload === 0) {
    // Not cheaped (no idle victim): step the count back, so the next check lands on the multiple again and retries.
    return cheapStep(
      next,
      { algo: 'spare', overload, idleChecks: idleChecks - 1 },
      `spare: ${plural(pool.idle, 'idle worker')} for ${plural(idleChecks, 'check')}`,
    );
  }
  return hold(next, `spare: ${plural(pool.idle, 'idle worker')}, ${plural(idleChecks, 'idle check')}`);
}
