import { backlog, backlogInitial, type BacklogState } from './backlog.js';
import { busyness, busynessInitial, type BusynessState } from './busyness.js';
import { manual, manualInitial, type ManualState } from './manual.js';
import { spare, spareInitial, type SpareState } from './spare.js';
import { spare2, spare2Initial, type Spare2State } from './spare2.js';
import { CHEAPER_ALGOS, type AlgoStep, type CheaperAlgo, type Observation, type ScalingParams } from './types.js';
import { ScalingInputError } from './validate.js';

/** The state of whichever algorithm runs; `algo` says which. */
export type AlgoState = SpareState | Spare2State | BacklogState | BusynessState | ManualState;

export function initialState(algo: CheaperAlgo): AlgoState {
  switch (algo) {
    case 'spare':
      return spareInitial;
    case 'spare2':
      return spare2Initial;
    case 'backlog':
      return backlogInitial;
    case 'busyness':
      return busynessInitial;
    case 'manual':
      return manualInitial;
    default:
      throw new ScalingInputError(`Expected cheaper-algo to be one of ${CHEAPER_ALGOS.join(', ')}, got ${JSON.stringify(algo)}`);
  }
}

export function runAlgorithm(state: AlgoState, obs: Observation, params: ScalingParams): AlgoStep<AlgoState> {
  switch (state.algo) {
    case 'spare':
      return spare(state, obs, params);
    case 'spare2':
      return spare2(state, obs, params);
    case 'backlog':
      return backlog(state, obs, params);
    case 'busyness':
      return busyness(state, obs, params);
    case 'manual':
      return manual(state, obs, params);
  }
}
