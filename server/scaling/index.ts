/** The scaling ("cheaper") subsystem as the master uses it: observe, `decide`, apply. */
export * from './types.js';
export { decide, chooseSpawnSlots, type DecideResult, type ManualCommand } from './decide.js';
export { initialState, runAlgorithm, type AlgoState } from './algorithms.js';
export { chooseCheapVictim } from './slots.js';
export { countPool, type PoolCounts } from './poolCounts.js';
export { ScalingInputError, validateObservation, validateParams } from './validate.js';
export { TIDEPOOL_SCALING_DEFAULTS } from './recommended.js';
export { spare, spareInitial, type SpareState } from './spare.js';
export { spare2, spare2Initial, type Spare2State } from './spare2.js';
export { backlog, backlogInitial, type BacklogState } from './backlog.js';
export { busyness, busynessInitial, busynessPercent, EMERGENCY_CHEAP_MULTIPLIER, type BusynessState } from './busyness.js';
export { manual, manualInitial, type ManualState } from './manual.js';
export { simulate, type ClientGroup, type SimCheck, type SimConfig, type SimResult, type SimSummary } from './simulate.js';
