import { hold } from './algoStep.js';
import type { AlgoStep, Observation, ScalingParams } from './types.js';

/** manual: only `+` and `-` on the master FIFO change the pool; the driver applies them. */
export interface ManualState {
  readonly algo: 'manual';
}

export const manualInitial: ManualState = { algo: 'manual' };

export function manual(state: ManualState, _obs: Observation, _params: ScalingParams): AlgoStep<ManualState> {
  return hold(state, 'manual: waiting for + or - on the master FIFO');
}
